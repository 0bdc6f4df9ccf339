import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Message

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class DeliveryError(Exception):
    """Sending failed; the message stays in the outbox to be tried again."""


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _enqueue_after_commit(message_id: int) -> None:
    from . import tasks  # the task module imports this one

    def enqueue() -> None:
        try:
            tasks.send.delay(message_id=message_id)
        except Exception:  # the broker is down: the sweeper picks the row up later
            logger.exception("could not enqueue message %s; the sweeper will retry", message_id)

    transaction.on_commit(enqueue)


def message_queue(
    *,
    to_email: str,
    kind: str,
    dedup_key: str,
    template: str,
    context: dict,
    recipient=None,
    attachments: list[dict] | None = None,
) -> Message | None:
    """Writes an email to the outbox in the caller's transaction and sends it after commit.

    `template` names `notifications/email/<template>.txt`, `.html` and `_subject.txt`. A message
    whose dedup_key already exists is not written again: None is returned.
    """
    context = {"site_url": settings.SITE_URL, "recipient": recipient, **context}
    subject = " ".join(render_to_string(f"notifications/email/{template}_subject.txt", context).split())
    message = Message(
        recipient=recipient,
        to_email=to_email,
        kind=kind,
        dedup_key=dedup_key,
        subject=subject,
        body_text=render_to_string(f"notifications/email/{template}.txt", context),
        body_html=render_to_string(f"notifications/email/{template}.html", context),
        attachments=attachments or [],
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if Message.objects.filter(dedup_key=dedup_key).exists():
            return None
        raise
    _enqueue_after_commit(message.pk)
    return message


def message_claim(*, message_id: int) -> Message | None:
    """Atomically moves a queued message to sending; only one caller can win the row."""
    claimed = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING, claimed_at=timezone.now()
    )
    if not claimed:
        return None
    return Message.objects.get(pk=message_id)


def message_deliver(*, message_id: int) -> bool:
    """Sends a queued message once. Returns True if this call sent it.

    On failure the row goes back to queued (or to failed after MAX_ATTEMPTS) and DeliveryError is
    raised so the task can retry with backoff.
    """
    message = message_claim(message_id=message_id)
    if message is None:
        return False
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers=message.headers or None,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    try:
        email.send(fail_silently=False)
    except Exception as exc:
        attempts = message.attempts + 1
        status = Message.Status.FAILED if attempts >= MAX_ATTEMPTS else Message.Status.QUEUED
        Message.objects.filter(pk=message.pk).update(status=status, attempts=attempts, last_error=repr(exc)[:2000])
        raise DeliveryError(str(exc)) from exc
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, attempts=message.attempts + 1, sent_at=timezone.now(), last_error=""
    )
    return True


def outbox_sweep(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Re-enqueues messages left queued (the broker was down at commit time, or a worker died)."""
    from . import tasks

    cutoff = timezone.now() - older_than
    ids = list(Message.objects.filter(status=Message.Status.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True))
    for message_id in ids:
        tasks.send.delay(message_id=message_id)
    return len(ids)
