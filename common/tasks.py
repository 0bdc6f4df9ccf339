from celery import shared_task

from . import changes


@shared_task(name="common.prune_changes", acks_late=True)
def prune_changes() -> int:
    """Hourly: the change log keeps only its newest transaction (common/changes.py)."""
    return changes.prune()
