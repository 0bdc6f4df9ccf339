import logging

from celery import shared_task

from . import retention

logger = logging.getLogger(__name__)


@shared_task(name="home.apply_retention", acks_late=True)
def apply_retention() -> dict[str, int]:
    """Daily: deletes or blanks what the retention schedule says is due (home/retention.py)."""
    results = retention.retention_apply()
    counts = {result.rule.name: result.count for result in results}
    logger.info("retention applied: %s", counts)
    return counts
