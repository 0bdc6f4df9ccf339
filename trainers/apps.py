from django.apps import AppConfig


class TrainersConfig(AppConfig):
    name = "trainers"
    verbose_name = "Train the trainer"

    def ready(self) -> None:
        # Reminders register with notifications on import.
        from . import reminders  # noqa: F401
