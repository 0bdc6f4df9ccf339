from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from . import audit_signals, sessions  # noqa: F401 (signal receivers)
