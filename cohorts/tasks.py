from celery import shared_task

from . import services


@shared_task(name="cohorts.lapse_place_offers")
def lapse_place_offers() -> int:
    # The database is the schedule: each run handles whatever deadlines have passed since the last.
    return services.place_offers_lapse()
