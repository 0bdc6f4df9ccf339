import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from common.bulk import rows_insert
from common.site import absolute_url

from . import registry, sending
from .models import DigestRun, Message, Unsubscription
from .rendering import email_render

# Sending lives in .sending; its public names are kept here for the apps and commands that use them.
from .sending import (  # noqa: F401
    MAX_ATTEMPTS,
    DeliveryError,
    SweepResult,
    _is_unsubscribed,
    message_deliver,
    outbox_enqueue_due,
    outbox_release_expired,
    outbox_send_due_now,
    outbox_sweep,
    retry_delay,
)
from .tokens import unsubscribe_token_make

logger = logging.getLogger(__name__)

BULK_BATCH = 500


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


def _message_build(**kwargs) -> Message:
    """Renders an email from its templates into an unsaved outbox row (see _message_values)."""
    return Message(**_message_values(**kwargs))


def _message_values(
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
) -> dict:
    """Renders an email from its templates into an outbox row's values. Optional mail to a person with
    an account carries a one-click unsubscribe link and the RFC 8058 headers."""
    essential = not registry.kind_is_optional(kind)
    headers = dict(headers or {})
    context = {"site_url": settings.SITE_URL, "recipient": recipient, **context}
    if not essential and recipient is not None:
        links = _unsubscribe_links(recipient_id=recipient.pk, kind=kind)
        context.update(links, kind_label=registry.KINDS[kind].label)
        headers["List-Unsubscribe"] = f"<{links['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    rendered = email_render(template=template, context=context)
    return {
        "recipient": recipient,
        "to_email": to_email,
        "kind": kind,
        "dedup_key": dedup_key,
        "subject": rendered.subject,
        "body_text": rendered.text,
        "body_html": rendered.html,
        "attachments": attachments or [],
        "headers": headers,
        "is_essential": essential,
        "send_after": send_after,
    }


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
        transaction.on_commit(lambda: sending.enqueue([message.pk]))
    return message


def messages_queue_now(*, emails: list[dict]) -> int:
    """Like message_queue for many emails to send now (each dict holds its keyword arguments), in a
    fixed number of queries: written in batches in the caller's transaction, handed to the broker
    after commit."""
    specs = [registry.MessageSpec(send_after=None, **email) for email in emails]
    written = messages_queue_many(specs=specs)
    keys = [spec.dedup_key for spec in specs]

    def enqueue() -> None:
        sending.enqueue_after_commit(
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
            _message_values(
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
            written += len(rows_insert(Message, batch, ignore_conflicts=True))
            batch = []
    if batch:
        written += len(rows_insert(Message, batch, ignore_conflicts=True))
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
    transaction.on_commit(lambda: sending.enqueue([message.pk]))
    message.refresh_from_db()
    return message


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
    """Queues this ISO week's digests on the first hourly run from Monday 08:00 London on (beat runs
    hourly in UTC, so this is right either side of a clock change). If that run did not happen
    (beat or the database down), the next one that week catches up. A DigestRun row records that the
    week is done; the key `digest:<user>:<year>-W<week>` keeps it to one per person even when two
    runs race. People with nothing to read get none. `force` skips the clock and the record (the
    command and tests use it)."""
    from . import digests

    now = now or timezone.now()
    week = digests.digest_week(now)
    if not force and (now < digests.digest_due_at(week) or DigestRun.objects.filter(week=week.label).exists()):
        return DigestResult(week=None, queued=0, empty=0, enqueued=0)
    built = digests.digests_build(week=week, now=now)
    specs = [digest.spec for digest in built if digest.blocks]
    with transaction.atomic():
        queued = messages_queue_many(specs=specs)
        DigestRun.objects.bulk_create([DigestRun(week=week.label)], ignore_conflicts=True)
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
