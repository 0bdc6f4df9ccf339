from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self) -> None:
        # Reminders, digest sections and the IG kinds of email register with notifications on import.
        from . import digest_sections, reminders, services  # noqa: F401
