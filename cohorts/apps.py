from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self) -> None:
        # Reminders and digest sections register with notifications on import.
        from . import digest_sections, reminders  # noqa: F401
