from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"

    def ready(self) -> None:
        # The digest sections register with notifications on import.
        from . import digest_sections  # noqa: F401
