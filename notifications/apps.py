from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        # Registering kinds, reminder sources, digest sections and tasks (which notifications.sending
        # looks up by name) happens on import.
        from . import digests, registry, reminders, tasks  # noqa: F401

        registry.register_kind("welcome", "Welcome to the service")
        registry.register_kind("password_reset", "Password reset")
