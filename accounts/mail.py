"""The two emails accounts sends itself: the welcome with a link to set a password, and the password
reset link. They go through the notifications outbox like every other email (written in the caller's
transaction, retried, visible to staff), but accounts is the bottom layer and cannot import
notifications, which builds on it. So notifications plugs its outbox in here when Django starts
(NotificationsConfig.ready) and the dependency keeps pointing one way: notifications → accounts."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_outbox: Callable[..., object] | None = None
_outbox_many: Callable[..., object] | None = None


def outbox_connect(queue: Callable[..., object], queue_many: Callable[..., object] | None = None) -> None:
    """`queue` writes one email; `queue_many` writes a list of them in a fixed number of queries."""
    global _outbox, _outbox_many
    _outbox = queue
    _outbox_many = queue_many


def account_email_queue(*, user, kind: str, dedup_key: str, template: str, context: dict) -> None:
    if _outbox is None:
        raise ImproperlyConfigured("No outbox is connected: add notifications to INSTALLED_APPS")
    _outbox(recipient=user, to_email=user.email, kind=kind, dedup_key=dedup_key, template=template, context=context)


def account_emails_queue_many(*, emails: list[dict]) -> None:
    """Many account emails at once (the welcomes of a roster import); each dict holds the keyword
    arguments of account_email_queue."""
    if _outbox_many is None:
        raise ImproperlyConfigured("No outbox is connected: add notifications to INSTALLED_APPS")
    _outbox_many(
        emails=[
            {
                "recipient": email["user"],
                "to_email": email["user"].email,
                "kind": email["kind"],
                "dedup_key": email["dedup_key"],
                "template": email["template"],
                "context": email["context"],
            }
            for email in emails
        ]
    )
