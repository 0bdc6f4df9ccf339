import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name=services.SEND_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # The row, not Celery, counts attempts and gives up (services.MAX_ATTEMPTS); this is a backstop.
    max_retries=services.MAX_ATTEMPTS,
)
def send(self, *, message_id: int) -> None:
    # Idempotent: message_deliver claims the row first, so a retry or a second delivery sends nothing.
    try:
        services.message_deliver(message_id=message_id)
    except services.DeliveryError as exc:
        # The countdown matches the row's send_after; it is minutes at most, far below the Redis
        # visibility timeout, so the broker never redelivers it early.
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox() -> dict:
    result = services.outbox_sweep()
    return {"enqueued": result.enqueued, "stuck_failed": result.stuck_failed}


@shared_task(name="notifications.dispatch_reminders")
def dispatch_reminders() -> dict:
    result = services.reminders_dispatch()
    return {"queued": result.queued, "cancelled": result.cancelled, "enqueued": result.enqueued}


@shared_task(name="notifications.weekly_digests")
def weekly_digests() -> dict:
    result = services.digests_send_weekly()
    return {"week": result.week, "queued": result.queued, "empty": result.empty}
