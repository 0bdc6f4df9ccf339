"""Thin Celery tasks: ids in, the service does the work."""

from celery import shared_task

from . import services


@shared_task(name="exercises.score_submission", acks_late=True, soft_time_limit=60, time_limit=90)
def score_submission(*, submission_id: int) -> None:
    # Idempotent: submission_score leaves a scored submission alone, so a redelivery does nothing.
    services.submission_score(submission_id=submission_id)


@shared_task(name="exercises.sweep_unscored")
def sweep_unscored() -> int:
    return services.submissions_sweep()
