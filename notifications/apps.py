from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        # Registering kinds, reminder sources and digest sections happens on import.
        from . import digests, registry, reminders  # noqa: F401

        registry.register_kind("welcome", "Welcome to the service")
        registry.register_kind("password_reset", "Password reset")
