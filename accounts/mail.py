"""The two emails accounts sends itself: the welcome with a link to set a password, and the password
reset link. They go through the notifications outbox like every other email (written in the caller's
transaction, retried, visible to staff), but accounts is the bottom layer and cannot import
notifications, which builds on it. So notifications plugs its outbox in here when Django starts
(NotificationsConfig.ready) and the dependency keeps pointing one way: notifications → accounts."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_outbox: Callable[..., object] | None = None


def outbox_connect(queue: Callable[..., object]) -> None:
    global _outbox
    _outbox = queue


def account_email_queue(*, user, kind: str, dedup_key: str, template: str, context: dict) -> None:
    if _outbox is None:
        raise ImproperlyConfigured("No outbox is connected: add notifications to INSTALLED_APPS")
    _outbox(recipient=user, to_email=user.email, kind=kind, dedup_key=dedup_key, template=template, context=context)
