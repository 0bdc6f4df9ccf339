from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        # Registering kinds, reminder sources and digest sections happens on import.
        from accounts.mail import outbox_connect

        from . import registry, services, tasks  # noqa: F401  tasks: notifications.sending looks them up by name

        outbox_connect(services.message_queue, services.messages_queue_now)

        registry.register_kind("welcome", "Welcome to the service")
        registry.register_kind("password_reset", "Password reset")
