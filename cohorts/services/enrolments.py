"""Times, bank holidays, and the one way an enrolment's status changes (recorded with who and when)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.db import transaction

from accounts.models import User
from audit.actions import Action
from audit.log import record

from ..models import (
    Enrolment,
    EnrolmentEvent,
)

LONDON = ZoneInfo("Europe/London")


def bank_holidays(years: range | list[int]) -> holidays.HolidayBase:
    """England and Wales bank holidays (the `holidays` package's ENG subdivision of GB)."""
    return holidays.country_holidays("GB", subdiv="ENG", years=list(years))


def next_working_day(day: date, closed: holidays.HolidayBase) -> date:
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


def london_datetime(day: date, at) -> datetime:
    """A wall-clock time in London on `day`, as an aware datetime (stored in UTC by Django)."""
    return datetime.combine(day, at, tzinfo=LONDON)


GRADUATED = "{officer} has graduated: their place cannot be changed"


@transaction.atomic
def enrolment_set_status(
    *, enrolment: Enrolment, status: str, actor: User | None, note: str = "", actor_label: str = ""
) -> Enrolment:
    """Every change of an enrolment's status is recorded with who made it and when. A graduate's place
    is final: their certificate says they completed the cohort. `actor_label` names who acted when
    they have no account (the line manager answering through their link)."""
    previous = enrolment.status
    if previous == Enrolment.Status.COMPLETED and status != previous:
        raise CohortError(GRADUATED.format(officer=enrolment.officer))
    enrolment.status = status
    enrolment.save(update_fields=["status"])
    EnrolmentEvent.objects.create(enrolment=enrolment, from_status=previous, to_status=status, actor=actor, note=note)
    record(
        Action.ENROLMENT_STATUS_CHANGED,
        actor=actor,
        actor_label=actor_label,
        obj=enrolment,
        before={"status": previous},
        after={"status": status},
        note=note,
    )
    return enrolment


class CohortError(Exception):
    """A change to a cohort or an enrolment that the rules refuse; the message is shown to the user,
    next to `field` when the refusal is about one field of a form."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field
