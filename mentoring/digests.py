"""Mentoring's sections of the Monday digest (registered on import from MentoringConfig.ready()).

Each builder gets every recipient of its role at once and runs a fixed number of queries, however
many people there are (tested). See docs/notifications.md, "Mentoring reminders and digest sections"."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from accounts.models import User
from cohorts.models import Cohort
from common.formatting import format_date, format_time
from exercises.digest_sections import last_week, result_line
from exercises.models import Submission
from notifications.digests import week_bounds
from notifications.registry import DigestBlock, DigestItem, DigestWeek, register_digest_section

from . import selectors
from .models import Booking, MentorAllocation

LONDON = ZoneInfo("Europe/London")


def _when(booking: Booking) -> str:
    start, end = booking.starts_at.astimezone(LONDON), booking.ends_at.astimezone(LONDON)
    return f"{format_date(start, 'weekday,no_year')}, {format_time(start)} to {format_time(end)}"


def _sessions_this_week(people: list[User], week: DigestWeek, *, as_role: str) -> dict[int, list[DigestBlock]]:
    """Active sessions in the digest's week (Monday to Sunday, London), one line each, with the other
    person's name and, when it is not confirmed yet, its status. One query."""
    start, end = week_bounds(week)
    bookings = (
        Booking.objects.active()
        .filter(**{f"{as_role}__in": people}, starts_at__gte=start, starts_at__lt=end)
        .select_related("mentor", "officer")
        .order_by("starts_at", "pk")
    )
    items: dict[int, list[DigestItem]] = {}
    for booking in bookings:
        other = booking.officer if as_role == "mentor" else booking.mentor
        text = f"{_when(booking)}: with {other.full_name}"
        if booking.status != Booking.Status.CONFIRMED:
            text += f" ({booking.get_status_display().lower()})"
        items.setdefault(getattr(booking, f"{as_role}_id"), []).append(
            DigestItem(text=text, url=reverse("mentoring:booking_detail", args=[booking.pk]))
        )
    return {
        person_id: [DigestBlock(title="Your mentoring sessions this week", items=lines)]
        for person_id, lines in items.items()
    }


def mentor_sessions_this_week(mentors: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    return _sessions_this_week(mentors, week, as_role="mentor")


def officer_sessions_this_week(officers: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    return _sessions_this_week(officers, week, as_role="officer")


def _hours(value: float) -> str:
    return f"{value:g} hour" + ("" if value == 1 else "s")


def staff_mentor_utilisation(staff: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    """Per running cohort, last week (the Monday to Sunday before the digest's week): each mentor's
    hours offered, booked and used, and the totals. The same for every member of staff, built once
    with the utilisation selector (five queries)."""
    cohorts = list(Cohort.objects.filter(status=Cohort.Status.RUNNING).order_by("start_date", "name"))
    last_monday = week.monday - timedelta(days=7)
    rows = selectors.mentor_utilisation(cohorts=cohorts, between=(last_monday, last_monday + timedelta(days=6)))
    by_cohort: dict[int, list[selectors.Utilisation]] = {}
    for row in rows:
        if row.offered_hours or row.booked_hours:
            by_cohort.setdefault(row.cohort.pk, []).append(row)
    link = reverse("mentoring:utilisation")
    blocks = []
    for cohort in cohorts:
        cohort_rows = by_cohort.get(cohort.pk, [])
        if not cohort_rows:
            continue
        offered = round(sum(row.offered_hours for row in cohort_rows), 1)
        booked = round(sum(row.booked_hours for row in cohort_rows), 1)
        used = round(sum(row.used_hours for row in cohort_rows), 1)
        items = [DigestItem(text=f"All mentors: {_hours(offered)} offered, {booked:g} booked, {used:g} used", url=link)]
        items += [
            DigestItem(
                text=(
                    f"{row.mentor.full_name}: {_hours(row.offered_hours)} offered, "
                    f"{row.booked_hours:g} booked, {row.used_hours:g} used"
                )
            )
            for row in cohort_rows
        ]
        blocks.append(DigestBlock(title=f"{cohort.name}: mentor time last week", items=items))
    return {user.pk: blocks for user in staff} if blocks else {}


register_digest_section(name="mentor_sessions_this_week", role="mentor", build=mentor_sessions_this_week, order=40)
register_digest_section(name="officer_sessions_this_week", role="officer", build=officer_sessions_this_week, order=40)
register_digest_section(
    name="staff_mentor_utilisation", role="programme_staff", build=staff_mentor_utilisation, order=60
)


def mentor_mentee_exercises(mentors: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    """Each mentee's practice exercise scores from last week (exercises.digest_sections words the
    lines). Two queries: the allocations, then the submissions."""
    start, end = last_week(week)
    mentor_of = dict(MentorAllocation.objects.filter(mentor__in=mentors).values_list("officer_id", "mentor_id"))
    submissions = (
        Submission.objects.scored()
        .filter(officer_id__in=list(mentor_of), uploaded_at__gte=start, uploaded_at__lt=end)
        .select_related("exercise", "officer")
        .defer("pairs_csv")
        .order_by("officer__full_name", "uploaded_at")
    )
    items: dict[int, list[DigestItem]] = {}
    for submission in submissions:
        items.setdefault(mentor_of[submission.officer_id], []).append(
            DigestItem(
                text=f"{submission.officer.full_name}, {result_line(submission)}",
                url=reverse("exercises:submission_detail", kwargs={"pk": submission.pk}),
            )
        )
    return {
        mentor_id: [DigestBlock(title="Your mentees’ practice exercise scores last week", items=lines)]
        for mentor_id, lines in items.items()
    }


register_digest_section(name="mentor_mentee_exercises", role="mentor", build=mentor_mentee_exercises, order=60)
