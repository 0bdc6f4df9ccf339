from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.db import transaction

from accounts.models import User

from .models import Cohort, CurriculumTemplate, Enrolment, EnrolmentEvent, TrainingSession

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


@transaction.atomic
def schedule_generate(*, cohort: Cohort, curriculum: CurriculumTemplate | None = None) -> list[TrainingSession]:
    """Creates one training session per week on the cohort's training day. A session that falls on a
    bank holiday moves to the next working day and says why."""
    first = cohort.start_date + timedelta(days=(cohort.training_weekday - cohort.start_date.weekday()) % 7)
    days = [first + timedelta(weeks=week) for week in range(cohort.weeks)]
    closed = bank_holidays(range(first.year, days[-1].year + 2))
    topics = {}
    if curriculum is not None:
        topics = {topic.week_number: topic for topic in curriculum.topics.all()}
    sessions = []
    for week_number, usual_day in enumerate(days, start=1):
        day = next_working_day(usual_day, closed)
        topic = topics.get(week_number)
        sessions.append(
            TrainingSession(
                cohort=cohort,
                week_number=week_number,
                starts_at=london_datetime(day, cohort.day_starts),
                ends_at=london_datetime(day, cohort.day_ends),
                topic=topic.topic if topic else "",
                materials=topic.materials if topic else "",
                location=cohort.default_location,
                moved_from=usual_day if day != usual_day else None,
                moved_reason=closed.get(usual_day, "") if day != usual_day else "",
            )
        )
    return TrainingSession.objects.bulk_create(sessions)


@transaction.atomic
def enrolment_set_status(*, enrolment: Enrolment, status: str, actor: User | None, note: str = "") -> Enrolment:
    """Every change of an enrolment's status is recorded with who made it and when."""
    previous = enrolment.status
    enrolment.status = status
    enrolment.save(update_fields=["status"])
    EnrolmentEvent.objects.create(enrolment=enrolment, from_status=previous, to_status=status, actor=actor, note=note)
    return enrolment
