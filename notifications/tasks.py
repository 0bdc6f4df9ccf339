import logging
from datetime import timedelta

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name="notifications.send",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(services.DeliveryError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=services.MAX_ATTEMPTS - 1,
)
def send(*, message_id: int) -> None:
    # Idempotent: message_deliver claims the row first, so a retry or a second delivery sends nothing.
    services.message_deliver(message_id=message_id)


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox() -> int:
    return services.outbox_sweep(older_than=timedelta(minutes=5))
