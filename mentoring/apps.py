from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"

    def ready(self) -> None:
        # Registers the reminder kind and source, and the digest sections, on import.
        from . import digests, reminders  # noqa: F401
        from .access import register_exercise_viewers

        register_exercise_viewers()
