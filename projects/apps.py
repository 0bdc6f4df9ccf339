from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self) -> None:
        # Reminders and digest sections register with notifications on import.
        from . import digest_sections, reminders  # noqa: F401
