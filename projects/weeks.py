"""A cohort's project weeks, in London time. Week 1 is the Monday-to-Sunday week holding the cohort's first
training day; each week ends at midnight London time at the end of its Sunday, whatever the clock change."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from cohorts.models import Cohort

LONDON = ZoneInfo("Europe/London")


def first_training_day(cohort: Cohort) -> date:
    return cohort.start_date + timedelta(days=(cohort.training_weekday - cohort.start_date.weekday()) % 7)


def week_starts_on(cohort: Cohort, week_number: int) -> date:
    first = first_training_day(cohort)
    return first - timedelta(days=first.weekday()) + timedelta(weeks=week_number - 1)


def week_ends_at(cohort: Cohort, week_number: int) -> datetime:
    """The aware instant the week closes: midnight London time after its Sunday."""
    return datetime.combine(week_starts_on(cohort, week_number + 1), time(0, 0), tzinfo=LONDON)


def week_training_day(cohort: Cohort, week_number: int) -> date:
    """The usual training day of a week, for cohorts whose sessions are not generated yet."""
    return week_starts_on(cohort, week_number) + timedelta(days=cohort.training_weekday)


def current_week(cohort: Cohort, now: datetime | None = None) -> int:
    """The week number London is in now: 0 before the cohort starts; may pass `cohort.weeks` after it ends."""
    today = timezone.localtime(now or timezone.now(), LONDON).date()
    days = (today - week_starts_on(cohort, 1)).days
    return max(days // 7 + 1, 0) if days >= 0 else 0


def loggable_weeks(cohort: Cohort, now: datetime | None = None) -> list[int]:
    """Weeks an officer may write a log for: from week 1 to this week, never a future one."""
    return list(range(1, min(current_week(cohort, now), cohort.weeks) + 1))


def week_is_open(cohort: Cohort, week_number: int, now: datetime | None = None) -> bool:
    return (now or timezone.now()) < week_ends_at(cohort, week_number)
