import logging
from datetime import datetime

from celery import shared_task
from django.db import DatabaseError, InterfaceError

from . import sending, services

logger = logging.getLogger(__name__)


@shared_task(
    name="notifications.send",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # Below the lease (sending.SENDING_LEASE): once it has passed, no attempt can still be running.
    soft_time_limit=sending.SEND_SOFT_TIME_LIMIT,
    time_limit=sending.SEND_TIME_LIMIT,
    # The row, not Celery, counts attempts and gives up (sending.MAX_ATTEMPTS); this is a backstop.
    max_retries=sending.MAX_ATTEMPTS,
)
def send(self, *, message_id: int) -> None:
    # Idempotent: message_deliver claims the row first, so a retry or a second delivery sends nothing.
    try:
        sending.message_deliver(message_id=message_id)
    except sending.DeliveryError as exc:
        # The countdown matches the row's send_after; it is minutes at most, far below the Redis
        # visibility timeout, so the broker never redelivers it early.
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc


@shared_task(name="notifications.enqueue", acks_late=True, reject_on_worker_lost=True)
def enqueue(*, message_ids: list[int]) -> int:
    """Fans a large batch out into one send task a row (sending.enqueue_after_commit). Run twice (the
    worker died part way), a row gets a second task, which sends nothing: the claim."""
    return sending.enqueue(message_ids)


@shared_task(
    name="notifications.record_sent",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=720,  # an hour at RECORD_SENT_RETRY seconds; after that the lease has sent it again
)
def record_sent(self, *, message_id: int, sent_at: str) -> None:
    """The mail server accepted this message but the database failed before it was marked sent."""
    try:
        sending.message_record_sent(message_id=message_id, sent_at=datetime.fromisoformat(sent_at))
    except (DatabaseError, InterfaceError) as exc:
        raise self.retry(exc=exc, countdown=sending.RECORD_SENT_RETRY) from exc


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox() -> dict:
    result = sending.outbox_sweep()
    return {"enqueued": result.enqueued, "released": result.released, "stuck_failed": result.stuck_failed}


@shared_task(name="notifications.dispatch_reminders")
def dispatch_reminders() -> dict:
    result = services.reminders_dispatch()
    return {"queued": result.queued, "cancelled": result.cancelled, "enqueued": result.enqueued}


@shared_task(name="notifications.weekly_digests")
def weekly_digests() -> dict:
    result = services.digests_send_weekly()
    return {"week": result.week, "queued": result.queued, "empty": result.empty}
