"""Where each week's training day falls: the weekday staff chose, bank holidays, and the Christmas break.

Pure date arithmetic (no database), so the cohort page, the generator and a change of rule on the
edit form all place a week the same way.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import holidays

from ..models import Cohort
from .enrolments import bank_holidays

CHRISTMAS_BREAK = "Christmas to New Year break"


def in_christmas_break(day: date) -> bool:
    """Christmas Day to New Year's Day inclusive: the days most councils close."""
    return (day.month, day.day) >= (12, 25) or (day.month, day.day) <= (1, 1)


@dataclass(frozen=True)
class PlannedDay:
    week_number: int
    day: date
    moved_from: date | None = None
    moved_reason: str = ""


def _working(day: date, closed: holidays.HolidayBase, *, skip_christmas: bool) -> bool:
    return day.weekday() < 5 and day not in closed and not (skip_christmas and in_christmas_break(day))


def _same_week_day(usual: date, closed: holidays.HolidayBase, *, skip_christmas: bool, not_before: date) -> date | None:
    """The next working day after `usual` in its Monday-to-Friday week; if the holiday is late in the
    week (Good Friday), the nearest working day before it in that week, but never before the cohort
    starts; None if the week is closed."""
    later = [usual + timedelta(days=n) for n in range(1, 5 - usual.weekday())]
    earlier = [usual - timedelta(days=n) for n in range(1, usual.weekday() + 1)]
    earlier = [day for day in earlier if day >= not_before]
    return next((day for day in later + earlier if _working(day, closed, skip_christmas=skip_christmas)), None)


def schedule_plan(
    *, start_date: date, training_weekday: int, weeks: int, bank_holiday_rule: str, trains_over_christmas: bool
) -> list[PlannedDay]:
    """One training day per week on `training_weekday`, from the first such day on or after `start_date`.

    A usual day that is a bank holiday moves by the cohort's rule: to the next working day of the same
    week (or, when the holiday ends the week, the working day before it), or to the same weekday of the
    following week with every later week after it, so the cohort ends a week later. Unless the cohort
    trains over Christmas, a usual day between Christmas Day and New Year's Day is skipped the second
    way whatever the rule, since moving inside that week would still land in the break.
    """
    skip_christmas = not trains_over_christmas
    first = start_date + timedelta(days=(training_weekday - start_date.weekday()) % 7)
    # Enough years for a cohort that is pushed back by every holiday it meets.
    closed = bank_holidays(range(first.year, first.year + weeks // 52 + 3))
    plan = []
    slot = first
    for week_number in range(1, weeks + 1):
        usual = slot
        reasons: list[str] = []
        while True:
            day = slot
            slot += timedelta(weeks=1)
            if skip_christmas and in_christmas_break(day):
                _add(reasons, CHRISTMAS_BREAK)
                continue
            if day not in closed:
                break
            holiday = closed.get(day)
            if bank_holiday_rule == Cohort.BankHolidayRule.SAME_WEEK:
                moved = _same_week_day(day, closed, skip_christmas=skip_christmas, not_before=start_date)
                if moved is not None:
                    if moved > day:
                        _add(reasons, f"{holiday}: moved to the next working day that week")
                    else:
                        _add(reasons, f"{holiday}: no working day after it that week, so the working day before it")
                    day = moved
                    break
                _add(reasons, f"{holiday}: no working day left that week")
            else:
                _add(reasons, f"{holiday}: moved to the same day the following week")
        skipped = (slot - usual).days // 7 - 1
        if skipped:
            later = "" if week_number == weeks else ", and the weeks after it with it"
            _add(reasons, f"{skipped} {'week' if skipped == 1 else 'weeks'} later{later}")
        plan.append(
            PlannedDay(
                week_number=week_number,
                day=day,
                moved_from=usual if day != usual else None,
                moved_reason="; ".join(reasons)[:200] if day != usual else "",
            )
        )
    return plan


def _add(reasons: list[str], reason: str) -> None:
    if reason not in reasons:
        reasons.append(reason)


def cohort_plan(cohort: Cohort) -> list[PlannedDay]:
    return schedule_plan(
        start_date=cohort.start_date,
        training_weekday=cohort.training_weekday,
        weeks=cohort.weeks,
        bank_holiday_rule=cohort.bank_holiday_rule,
        trains_over_christmas=cohort.trains_over_christmas,
    )
