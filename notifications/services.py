import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from common.site import absolute_url

from . import registry
from .models import Message, Unsubscription
from .tokens import unsubscribe_token_make

logger = logging.getLogger(__name__)

SEND_TASK = "notifications.send"  # registered by notifications/tasks.py

MAX_ATTEMPTS = 5
# A sent task that has not claimed its row after this long was lost (broker outage, worker died).
ENQUEUE_STALE_AFTER = timedelta(minutes=5)
# A scheduled row (a reminder, a digest) is first handed over by the dispatch pass that re-checks its
# cause (every 5 minutes); the sweeper takes one that was never handed over only after two passes.
DISPATCH_GRACE = timedelta(minutes=10)
# A row still `sending` this long after it was claimed belongs to a worker that died mid-send, well
# past the Celery hard time limit. Whether the server accepted the email is unknown, so it is marked
# failed for staff to review and resend rather than risking a duplicate.
SENDING_STUCK_AFTER = timedelta(minutes=15)
BULK_BATCH = 500


class DeliveryError(Exception):
    """Sending failed; the message stays queued and is tried again after `retry_in` seconds."""

    def __init__(self, message: str, *, retry_in: int) -> None:
        super().__init__(message)
        self.retry_in = retry_in


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after `attempts` failures: 30 s, 1, 2, 4 minutes (capped at 10)."""
    return min(600, 30 * 2 ** max(0, attempts - 1))


# --- writing messages ---------------------------------------------------------------------------


def _unsubscribe_links(*, recipient_id: int, kind: str) -> dict[str, str]:
    return {
        "unsubscribe_url": absolute_url(
            reverse(
                "notifications:unsubscribe",
                kwargs={"token": unsubscribe_token_make(user_id=recipient_id, kind=kind)},
            )
        ),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }


def _message_build(
    *,
    to_email: str,
    kind: str,
    dedup_key: str,
    template: str,
    context: dict,
    recipient=None,
    attachments: list[dict] | None = None,
    send_after: datetime | None = None,
    headers: dict | None = None,
) -> Message:
    """Renders an email from its templates into an unsaved outbox row. Optional mail to a person with
    an account carries a one-click unsubscribe link and the RFC 8058 headers."""
    essential = not registry.kind_is_optional(kind)
    headers = dict(headers or {})
    context = {"site_url": settings.SITE_URL, "recipient": recipient, **context}
    if not essential and recipient is not None:
        links = _unsubscribe_links(recipient_id=recipient.pk, kind=kind)
        context.update(links, kind_label=registry.KINDS[kind].label)
        headers["List-Unsubscribe"] = f"<{links['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    subject = " ".join(render_to_string(f"notifications/email/{template}_subject.txt", context).split())
    return Message(
        recipient=recipient,
        to_email=to_email,
        kind=kind,
        dedup_key=dedup_key,
        subject=subject[:200],
        body_text=render_to_string(f"notifications/email/{template}.txt", context),
        body_html=render_to_string(f"notifications/email/{template}.html", context),
        attachments=attachments or [],
        headers=headers,
        is_essential=essential,
        send_after=send_after,
    )


def _is_unsubscribed(*, recipient, kind: str) -> bool:
    if recipient is None or not registry.kind_is_optional(kind):
        return False
    return Unsubscription.objects.filter(user=recipient, kind=kind).exists()


def _enqueue(message_ids: list[int]) -> int:
    """Hands send tasks to the broker now and records when. A broker outage is logged, not raised:
    the rows stay queued and the sweeper hands them over again."""
    send = current_app.tasks[SEND_TASK]  # by name: tasks.py imports this module, never the reverse
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


def message_queue(
    *,
    to_email: str,
    kind: str,
    dedup_key: str,
    template: str,
    context: dict,
    recipient=None,
    attachments: list[dict] | None = None,
    send_after: datetime | None = None,
    headers: dict | None = None,
) -> Message | None:
    """Writes an email to the outbox in the caller's transaction and sends it after commit.

    `template` names `notifications/email/<template>.txt`, `.html` and `_subject.txt`. A message
    whose dedup_key already exists is not written again, and optional mail to someone who switched
    that kind off is not written at all: None is returned. A message with a future `send_after` is
    sent by the dispatch pass that finds it due; nothing waits in the broker.
    """
    if _is_unsubscribed(recipient=recipient, kind=kind):
        return None
    message = _message_build(
        to_email=to_email,
        kind=kind,
        dedup_key=dedup_key,
        template=template,
        context=context,
        recipient=recipient,
        attachments=attachments,
        send_after=send_after,
        headers=headers,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if Message.objects.filter(dedup_key=dedup_key).exists():
            return None
        raise
    if send_after is None or send_after <= timezone.now():
        transaction.on_commit(lambda: _enqueue([message.pk]))
    return message


def messages_queue_now(*, emails: list[dict]) -> int:
    """Like message_queue for many emails to send now (each dict holds its keyword arguments), in a
    fixed number of queries: written in batches in the caller's transaction, handed to the broker
    after commit."""
    specs = [registry.MessageSpec(send_after=None, **email) for email in emails]
    written = messages_queue_many(specs=specs)
    keys = [spec.dedup_key for spec in specs]

    def enqueue() -> None:
        _enqueue(
            list(
                Message.objects.filter(
                    dedup_key__in=keys, status=Message.Status.QUEUED, enqueued_at__isnull=True
                ).values_list("pk", flat=True)
            )
        )

    if written:
        transaction.on_commit(enqueue)
    return written


def messages_queue_many(*, specs: list[registry.MessageSpec]) -> int:
    """Writes many outbox rows in batches (reminders, digests). Keys that exist already and optional
    mail to people who switched it off are skipped. Returns how many rows were written. The caller
    enqueues what is due (outbox_enqueue_due) after commit."""
    if not specs:
        return 0
    keys = [spec.dedup_key for spec in specs]
    existing: set[str] = set()
    for start in range(0, len(keys), 5000):
        existing.update(
            Message.objects.filter(dedup_key__in=keys[start : start + 5000]).values_list("dedup_key", flat=True)
        )
    optional = {spec.kind for spec in specs if registry.kind_is_optional(spec.kind)}
    recipient_ids = {spec.recipient.pk for spec in specs if spec.recipient is not None and spec.kind in optional}
    opted_out = set(
        Unsubscription.objects.filter(user_id__in=recipient_ids, kind__in=optional).values_list("user_id", "kind")
    )
    written = 0
    batch: list[Message] = []
    seen: set[str] = set()
    for spec in specs:
        if spec.dedup_key in existing or spec.dedup_key in seen:
            continue
        if spec.recipient is not None and (spec.recipient.pk, spec.kind) in opted_out:
            continue
        seen.add(spec.dedup_key)
        batch.append(
            _message_build(
                to_email=spec.to_email,
                kind=spec.kind,
                dedup_key=spec.dedup_key,
                template=spec.template,
                context=spec.context,
                recipient=spec.recipient,
                attachments=spec.attachments,
                send_after=spec.send_after,
            )
        )
        if len(batch) >= BULK_BATCH:
            written += len(Message.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        written += len(Message.objects.bulk_create(batch, ignore_conflicts=True))
    return written


@transaction.atomic
def message_cancel_for(*, dedup_prefix: str) -> int:
    """Cancels every still-queued message whose key starts with `dedup_prefix` (a reminder whose cause
    went away). Sent, failed and sending rows are left as they are."""
    return Message.objects.filter(status=Message.Status.QUEUED, dedup_key__startswith=dedup_prefix).update(
        status=Message.Status.CANCELLED
    )


@transaction.atomic
def message_resend(*, message: Message) -> Message:
    """Staff send a failed message again: back to queued with a fresh set of attempts."""
    if message.status != Message.Status.FAILED:
        raise ValueError("Only a failed message can be sent again.")
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.QUEUED, attempts=0, send_after=None, enqueued_at=None, claimed_at=None
    )
    transaction.on_commit(lambda: _enqueue([message.pk]))
    message.refresh_from_db()
    return message


# --- sending --------------------------------------------------------------------------------------


def message_claim(*, message_id: int) -> Message | None:
    """Atomically moves a queued message to sending; only one caller can win the row."""
    claimed = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING, claimed_at=timezone.now()
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
        headers={**message.headers, "X-Outbox-Reference": f"outbox-{message.pk}"},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return email


def message_deliver(*, message_id: int) -> bool:
    """Sends a queued message once. Returns True if this call sent it.

    A failure puts the row back to queued with send_after pushed back (30 s, 1, 2, 4 minutes) and
    raises DeliveryError so the task retries then; after MAX_ATTEMPTS the row is failed, visible on
    the staff outbox page, and nothing is raised.
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
        attempts = message.attempts + 1
        error = repr(exc)[:2000]
        if attempts >= MAX_ATTEMPTS:
            Message.objects.filter(pk=message.pk).update(
                status=Message.Status.FAILED, attempts=attempts, last_error=error
            )
            logger.error("message %s failed %s times and was given up: %s", message.pk, attempts, error)
            return False
        delay = retry_delay(attempts)
        retry_at = timezone.now() + timedelta(seconds=delay)
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.QUEUED, attempts=attempts, last_error=error, send_after=retry_at, enqueued_at=retry_at
        )
        raise DeliveryError(str(exc), retry_in=delay) from exc
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, attempts=message.attempts + 1, sent_at=timezone.now(), last_error=""
    )
    return True


def outbox_due(*, now: datetime):
    """Queued rows whose time has come."""
    from django.db.models import Q

    return Message.objects.filter(status=Message.Status.QUEUED).filter(
        Q(send_after__isnull=True) | Q(send_after__lte=now)
    )


def outbox_enqueue_due(
    *, now: datetime | None = None, stale_after: timedelta = ENQUEUE_STALE_AFTER, missed_only: bool = False
) -> int:
    """Hands over every due queued row that has no task on its way (never enqueued, or enqueued more
    than `stale_after` ago and still queued, so its task was lost).

    `missed_only` (the sweeper) takes a row never handed over only once whoever should have handed
    it over had its chance: the commit hook (`stale_after` after the row was written) or, for a
    scheduled row, the dispatcher's pass, which first cancels reminders whose cause went away
    (`DISPATCH_GRACE` after it fell due). Otherwise the sweeper could send a reminder for a session
    cancelled a minute before it was due."""
    from django.db.models import Q

    now = now or timezone.now()
    never_enqueued = Q(enqueued_at__isnull=True)
    if missed_only:
        never_enqueued &= Q(send_after__isnull=True, created_at__lt=now - stale_after) | Q(
            send_after__lt=now - DISPATCH_GRACE
        )
    ids = list(
        outbox_due(now=now)
        .filter(never_enqueued | Q(enqueued_at__lt=now - stale_after))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _enqueue(ids)


@dataclass(frozen=True)
class SweepResult:
    enqueued: int
    stuck_failed: int


def outbox_sweep(*, now: datetime | None = None) -> SweepResult:
    """Re-enqueues messages left queued (the broker was down at commit time, or a worker died before
    it claimed the row) and marks rows stuck in `sending` failed for staff review."""
    now = now or timezone.now()
    stuck = outbox_sweep_stuck(now=now)
    return SweepResult(enqueued=outbox_enqueue_due(now=now, missed_only=True), stuck_failed=stuck)


def outbox_sweep_stuck(*, now: datetime | None = None) -> int:
    """Marks failed the rows left `sending` by a worker that died mid-send (see SENDING_STUCK_AFTER)."""
    now = now or timezone.now()
    stuck = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=now - SENDING_STUCK_AFTER).update(
        status=Message.Status.FAILED,
        last_error="The worker stopped while sending. It may or may not have gone: check before sending again.",
    )
    if stuck:
        logger.error("%s messages were stuck in sending and are now failed", stuck)
    return stuck


def outbox_send_due_now(*, now: datetime | None = None) -> tuple[int, int]:
    """Sends every due queued row in this process (the command for machines with no worker).
    Returns (sent, failed_or_retrying)."""
    now = now or timezone.now()
    sent = failed = 0
    for message_id in outbox_due(now=now).order_by("pk").values_list("pk", flat=True):
        try:
            if message_deliver(message_id=message_id):
                sent += 1
        except DeliveryError:
            failed += 1
    return sent, failed


# --- reminders ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DispatchResult:
    queued: int
    cancelled: int
    enqueued: int


def reminders_dispatch(*, now: datetime | None = None, enqueue: bool = True) -> DispatchResult:
    """One pass over every registered reminder source: writes the reminders it wants that do not
    exist yet (their dedup keys make this exactly once), cancels queued reminders it no longer wants
    (the session was cancelled or moved), and after commit enqueues whatever is due."""
    now = now or timezone.now()
    with transaction.atomic():
        queued = cancelled = 0
        for source in registry.REMINDER_SOURCES.values():
            specs = list(source.collect(now))
            wrong = [spec.dedup_key for spec in specs if not spec.dedup_key.startswith(source.dedup_prefix)]
            if wrong:
                raise ValueError(f"{source.name} returned keys outside {source.dedup_prefix!r}: {wrong[:3]}")
            queued += messages_queue_many(specs=specs)
            wanted = {spec.dedup_key for spec in specs}
            waiting = Message.objects.filter(
                status=Message.Status.QUEUED, dedup_key__startswith=source.dedup_prefix
            ).values_list("pk", "dedup_key")
            gone = [pk for pk, key in waiting if key not in wanted]
            for start in range(0, len(gone), 5000):
                cancelled += Message.objects.filter(
                    pk__in=gone[start : start + 5000], status=Message.Status.QUEUED
                ).update(status=Message.Status.CANCELLED)
    enqueued = outbox_enqueue_due(now=now) if enqueue else 0
    return DispatchResult(queued=queued, cancelled=cancelled, enqueued=enqueued)


# --- weekly digests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestResult:
    week: str | None
    queued: int
    empty: int
    enqueued: int


def digests_send_weekly(*, now: datetime | None = None, force: bool = False, enqueue: bool = True) -> DigestResult:
    """Queues this ISO week's digests when it is Monday 08:00 to 08:59 in London (beat runs hourly in
    UTC, so this is right either side of a clock change). One per person per week through the key
    `digest:<user>:<year>-W<week>`; people with nothing to read get none. `force` skips the clock
    check (the command and tests use it)."""
    from . import digests

    now = now or timezone.now()
    if not force and not digests.is_digest_hour(now):
        return DigestResult(week=None, queued=0, empty=0, enqueued=0)
    week = digests.digest_week(now)
    built = digests.digests_build(week=week, now=now)
    specs = [digest.spec for digest in built if digest.blocks]
    with transaction.atomic():
        queued = messages_queue_many(specs=specs)
    enqueued = outbox_enqueue_due(now=now) if enqueue else 0
    return DigestResult(week=week.label, queued=queued, empty=len(built) - len(specs), enqueued=enqueued)


# --- preferences ----------------------------------------------------------------------------------


@transaction.atomic
def preferences_set(*, user, receive: set[str]) -> None:
    """Sets which optional kinds a person receives; every optional kind not in `receive` is off."""
    optional = {kind.name for kind in registry.optional_kinds()}
    off = optional - set(receive)
    Unsubscription.objects.filter(user=user).exclude(kind__in=off).delete()
    existing = set(Unsubscription.objects.filter(user=user).values_list("kind", flat=True))
    Unsubscription.objects.bulk_create([Unsubscription(user=user, kind=kind) for kind in sorted(off - existing)])
    Message.objects.filter(recipient=user, kind__in=off, status=Message.Status.QUEUED).update(
        status=Message.Status.CANCELLED
    )


@transaction.atomic
def unsubscription_create(*, user, kind: str) -> bool:
    """Switches off one optional kind (the one-click link). Returns False for an essential kind."""
    if not registry.kind_is_optional(kind):
        return False
    Unsubscription.objects.get_or_create(user=user, kind=kind)
    Message.objects.filter(recipient=user, kind=kind, status=Message.Status.QUEUED).update(
        status=Message.Status.CANCELLED
    )
    return True
