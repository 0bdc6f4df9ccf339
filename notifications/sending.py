"""Handing outbox rows to the broker, sending them, and the sweeper that repairs what a dead worker,
a lost task or a database error left behind.

The promise (docs/notifications.md): no email is lost, and an email is sent twice only when the
attempt that was in flight could not record its outcome (the worker died, or the database failed
after the mail server had accepted it and the broker was down too). Every attempt at one message
carries the same Message-ID.

This module never imports the task module: it looks the send task up by name in the Celery app,
where notifications.tasks registers it on import (NotificationsConfig.ready imports it).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, InterfaceError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .backends import Undeliverable
from .models import Message, Unsubscription
from .registry import kind_is_optional

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A row handed to the broker and still queued this long after is re-enqueued: its task was lost
# (broker restarted empty, worker killed after prefetching it) or is stuck behind a backlog, and a
# second task for the same row sends nothing (the claim).
ENQUEUE_STALE_AFTER = timedelta(minutes=1)
# A row written for immediate sending that was never handed over (the broker was down at commit)
# is taken by the sweeper this long after it was written: enough for the commit hook to have run.
ENQUEUE_GRACE = timedelta(seconds=15)
# A scheduled row (a reminder, a digest) is first handed over by the dispatch pass that re-checks its
# cause (every 5 minutes); the sweeper takes one that was never handed over only after two passes.
DISPATCH_GRACE = timedelta(minutes=10)
# The send task's own limits: an SMTP or Notify call times out long before (EMAIL_TIMEOUT).
SEND_SOFT_TIME_LIMIT = 45
SEND_TIME_LIMIT = 60
# A row claimed (`sending`) this long ago belongs to an attempt that can no longer be running: the
# hard time limit has killed it, or its worker died. Whether the mail server accepted it is unknown,
# so it is queued again with the same Message-ID and marked delivery_unknown.
SENDING_LEASE = timedelta(minutes=2)
# A batch written for immediate sending that is larger than this (a roster import's 1,500 welcomes) is
# handed over by a worker: the request publishes one task carrying the ids, and the worker publishes
# one send task per row. Publishing costs about half a millisecond a row, most of a second for a roster.
ENQUEUE_DIRECT_MAX = 50
# After the mail server accepted a message, a failed "sent" write is handed to the broker as a
# record_sent task (run at once, by a fresh connection), retried at this interval until the database
# answers.
RECORD_SENT_RETRY = 5


class DeliveryError(Exception):
    """Sending failed; the message stays queued and is tried again after `retry_in` seconds."""

    def __init__(self, message: str, *, retry_in: int) -> None:
        super().__init__(message)
        self.retry_in = retry_in


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after `attempts` failures: 30 s, 1, 2, 4 minutes (capped at 10)."""
    return min(600, 30 * 2 ** max(0, attempts - 1))


# --- handing over to the broker ---------------------------------------------------------------------


def enqueue(message_ids: list[int]) -> int:
    """Hands send tasks to the broker now and records when. A broker outage is logged, not raised:
    the rows stay queued and the sweeper hands them over again."""
    send = current_app.tasks["notifications.send"]
    enqueued = []
    for message_id in message_ids:
        try:
            send.delay(message_id=message_id)
        except Exception:
            logger.exception("could not enqueue message %s; the sweeper will retry", message_id)
            break  # the broker is down: the rest would fail too
        enqueued.append(message_id)
    if enqueued:
        Message.objects.filter(pk__in=enqueued, status=Message.Status.QUEUED).update(enqueued_at=timezone.now())
    return len(enqueued)


def enqueue_after_commit(message_ids: list[int]) -> None:
    """What a commit hook calls for rows just written to send now: up to ENQUEUE_DIRECT_MAX are handed
    over at once; a larger batch goes as one `notifications.enqueue` task that a worker fans out. Every
    row still gets its own send task, retries and claim. If the broker is down the rows stay never
    handed over, and the sweeper takes them after ENQUEUE_GRACE, as for a single row."""
    if len(message_ids) <= ENQUEUE_DIRECT_MAX:
        enqueue(message_ids)
        return
    try:
        current_app.tasks["notifications.enqueue"].delay(message_ids=message_ids)
    except Exception:
        logger.exception("could not hand over %s messages; the sweeper will retry", len(message_ids))


def outbox_due(*, now: datetime):
    """Queued rows whose time has come."""
    return Message.objects.filter(status=Message.Status.QUEUED).filter(
        Q(send_after__isnull=True) | Q(send_after__lte=now)
    )


def outbox_enqueue_due(
    *, now: datetime | None = None, stale_after: timedelta = ENQUEUE_STALE_AFTER, missed_only: bool = False
) -> int:
    """Hands over every due queued row that has no task on its way (never enqueued, or enqueued more
    than `stale_after` ago and still queued, so its task was lost or is late).

    `missed_only` (the sweeper) takes a row never handed over only once whoever should have handed
    it over had its chance: the commit hook (`ENQUEUE_GRACE` after the row was written) or, for a
    scheduled row, the dispatcher's pass, which first cancels reminders whose cause went away
    (`DISPATCH_GRACE` after it fell due). Otherwise the sweeper could send a reminder for a session
    cancelled a minute before it was due."""
    now = now or timezone.now()
    never_enqueued = Q(enqueued_at__isnull=True)
    if missed_only:
        never_enqueued &= Q(send_after__isnull=True, created_at__lt=now - ENQUEUE_GRACE) | Q(
            send_after__lt=now - DISPATCH_GRACE
        )
    ids = list(
        outbox_due(now=now)
        .filter(never_enqueued | Q(enqueued_at__lt=now - stale_after))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return enqueue(ids)


# --- sending --------------------------------------------------------------------------------------


def message_claim(*, message_id: int) -> Message | None:
    """Atomically moves a queued message to sending and counts the attempt, before anything is sent;
    only one caller can win the row."""
    claimed = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Message.objects.select_related("recipient").get(pk=message_id)


def _email_build(message: Message) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers={
            **message.headers,
            "Message-ID": message.internet_message_id,
            "X-Outbox-Reference": f"outbox-{message.pk}",
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return email


def _is_unsubscribed(*, recipient, kind: str) -> bool:
    if recipient is None or not kind_is_optional(kind):
        return False
    return Unsubscription.objects.filter(user=recipient, kind=kind).exists()


def message_deliver(*, message_id: int) -> bool:
    """Sends a queued message once. Returns True if this call sent it.

    A failure puts the row back to queued with send_after pushed back (30 s, 1, 2, 4 minutes) and
    raises DeliveryError so the task retries then; after MAX_ATTEMPTS, or at once when the service
    refuses the message for good (Undeliverable), the row is failed, visible on the staff outbox
    page, and nothing is raised. Once the server has accepted the message, the "sent" mark is
    written here or, if the database fails, by the record_sent task (see message_record_sent).
    """
    message = message_claim(message_id=message_id)
    if message is None:
        return False
    if _is_unsubscribed(recipient=message.recipient, kind=message.kind):
        Message.objects.filter(pk=message.pk).update(status=Message.Status.CANCELLED)
        return False
    try:
        _email_build(message).send(fail_silently=False)
    except Exception as exc:
        _attempt_failed(message, exc)
        return False
    sent_at = timezone.now()
    try:
        message_record_sent(message_id=message.pk, sent_at=sent_at)
    except (DatabaseError, InterfaceError):  # InterfaceError: the connection itself is gone
        _record_sent_later(message_id=message.pk, sent_at=sent_at)
    return True


def _attempt_failed(message: Message, exc: Exception) -> None:
    error = repr(exc)[:2000]
    if isinstance(exc, Undeliverable) or message.attempts >= MAX_ATTEMPTS:
        Message.objects.filter(pk=message.pk).update(status=Message.Status.FAILED, last_error=error)
        logger.error("message %s failed after %s attempts and was given up: %s", message.pk, message.attempts, error)
        return
    delay = retry_delay(message.attempts)
    retry_at = timezone.now() + timedelta(seconds=delay)
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.QUEUED, last_error=error, send_after=retry_at, enqueued_at=retry_at
    )
    raise DeliveryError(str(exc), retry_in=delay) from exc


def message_record_sent(*, message_id: int, sent_at: datetime) -> bool:
    """Marks a message sent once the mail server has accepted it, whatever the row says meanwhile
    (the sweeper may have queued it again: the fact wins, and a queued repeat is not sent)."""
    updated = (
        Message.objects.filter(pk=message_id)
        .exclude(status=Message.Status.SENT)
        .update(status=Message.Status.SENT, sent_at=sent_at, last_error="")
    )
    return bool(updated)


def _record_sent_later(*, message_id: int, sent_at: datetime) -> None:
    """The database failed right after the mail server accepted the message: the fact goes to the
    broker, which keeps it until a worker can write it. If the broker is down too, the row stays
    `sending` and its lease runs out: it is sent again, the one duplicate the outbox allows."""
    logger.exception("message %s was accepted but could not be marked sent; recording it later", message_id)
    try:
        current_app.tasks["notifications.record_sent"].apply_async(
            kwargs={"message_id": message_id, "sent_at": sent_at.isoformat()}
        )
    except Exception:
        logger.exception("message %s: the broker is down too; its lease will send it again", message_id)


def outbox_send_due_now(*, now: datetime | None = None) -> tuple[int, int]:
    """Sends every due queued row in this process (the command for machines with no worker).
    Returns (sent, failed_or_retrying)."""
    now = now or timezone.now()
    sent = failed = 0
    for message_id in outbox_due(now=now).order_by("pk").values_list("pk", flat=True):
        try:
            if message_deliver(message_id=message_id):
                sent += 1
            else:
                failed += Message.objects.filter(pk=message_id, status=Message.Status.FAILED).exists()
        except DeliveryError:
            failed += 1
    return sent, failed


# --- the sweeper ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    enqueued: int
    released: int = 0
    stuck_failed: int = 0


def outbox_release_expired(*, now: datetime | None = None) -> tuple[list[int], int]:
    """Rows left `sending` past their lease go back to queued, marked delivery_unknown, to be sent
    again with the same Message-ID; one that has used all its attempts is failed instead. Returns
    (ids queued again, how many were failed)."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Message.Status.SENDING, claimed_at__lt=now - SENDING_LEASE)
            .values_list("pk", "attempts")
        )
        again = [pk for pk, attempts in expired if attempts < MAX_ATTEMPTS]
        given_up = [pk for pk, attempts in expired if attempts >= MAX_ATTEMPTS]
        Message.objects.filter(pk__in=again).update(
            status=Message.Status.QUEUED,
            delivery_unknown=True,
            enqueued_at=None,
            last_error="The send was interrupted and its outcome is unknown: sent again with the same Message-ID.",
        )
        Message.objects.filter(pk__in=given_up).update(
            status=Message.Status.FAILED,
            delivery_unknown=True,
            last_error="Every attempt was interrupted and its outcome is unknown: check before sending again.",
        )
    if expired:
        logger.warning("%s interrupted sends queued again, %s given up", len(again), len(given_up))
    return again, len(given_up)


def outbox_sweep(*, now: datetime | None = None) -> SweepResult:
    """Every minute: queues again the rows whose send was interrupted, and re-enqueues rows left
    queued (the broker was down at commit time, or lost the task)."""
    now = now or timezone.now()
    again, given_up = outbox_release_expired(now=now)
    enqueued = enqueue(again) if again else 0
    enqueued += outbox_enqueue_due(now=now, missed_only=True)
    return SweepResult(enqueued=enqueued, released=len(again), stuck_failed=given_up)
