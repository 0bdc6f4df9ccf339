"""Cohorts' parts of the Monday digest for programme staff, one block per running cohort, registered
from CohortsConfig.ready(). Each builder runs a fixed number of queries, however many staff and
cohorts there are (docs/notifications.md)."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common.formatting import format_date, format_time
from notifications.digests import week_bounds
from notifications.registry import DigestBlock, DigestItem, DigestWeek, register_digest_section

from .models import FEEDBACK_OPEN_DAYS, Attendance, Cohort, Enrolment, SessionFeedback, TrainingSession
from .selectors import attendance_by_officer_in
from .services import LONDON


def running_cohorts() -> list[Cohort]:
    return list(Cohort.objects.filter(status=Cohort.Status.RUNNING).order_by("start_date", "name"))


def last_week_bounds(week: DigestWeek) -> tuple[datetime, datetime]:
    """Monday 00:00 to Monday 00:00 London of the week before the digest's week."""
    monday = datetime.combine(week.monday, time(0), tzinfo=LONDON)
    return datetime.combine(week.monday - timedelta(days=7), time(0), tzinfo=LONDON), monday


def _everyone(staff: list[User], blocks: list[DigestBlock]) -> dict[int, list[DigestBlock]]:
    return {user.pk: blocks for user in staff} if blocks else {}


def staff_attendance_last_week(staff: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    cohorts = running_cohorts()
    start, end = last_week_bounds(week)
    sessions: dict[int, list[TrainingSession]] = {}
    for session in (
        TrainingSession.objects.filter(cohort__in=cohorts, starts_at__gte=start, starts_at__lt=end)
        .annotate(
            attended=Count("attendances", filter=Q(attendances__mark__in=["present", "late"])),
            recorded=Count("attendances", filter=~Q(attendances__mark=Attendance.Mark.EXCUSED)),
        )
        .order_by("starts_at")
    ):
        sessions.setdefault(session.cohort_id, []).append(session)
    blocks = []
    for cohort in cohorts:
        items = []
        for session in sessions.get(cohort.pk, []):
            day = timezone.localtime(session.starts_at, LONDON)
            when = f"Week {session.week_number}, {format_date(day, 'weekday,no_year')}"
            if session.is_cancelled:
                text = f"{when}: cancelled"
            elif session.recorded:
                text = (
                    f"{when}: {session.attended} of {session.recorded} attended "
                    f"({round(100 * session.attended / session.recorded)}%)"
                )
            else:
                text = f"{when}: no register taken"
            items.append(
                DigestItem(
                    text=text,
                    url=reverse("cohorts:register", kwargs={"slug": cohort.slug, "pk": session.pk})
                    if not session.is_cancelled
                    else "",
                )
            )
        if items:
            blocks.append(DigestBlock(title=f"{cohort.name}: attendance last week", items=items))
    return _everyone(staff, blocks)


def staff_officers_at_risk(staff: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    """Officers with two or more absences in their last four sessions (cohorts.selectors), counting
    the sessions held before the digest's Monday (or now, for a preview of next Monday)."""
    cohorts = running_cohorts()
    monday = datetime.combine(week.monday, time(0), tzinfo=LONDON)
    rows = attendance_by_officer_in(cohorts, held_before=min(timezone.now(), monday))
    blocks = []
    for cohort in cohorts:
        items = [
            DigestItem(
                text=(
                    f"{row.enrolment.officer.full_name} ({row.enrolment.organisation}): "
                    f"absent from {row.recent_absences} of their last four sessions"
                ),
                url=reverse("cohorts:application_detail", kwargs={"pk": row.enrolment.pk}),
            )
            for row in rows.get(cohort.pk, [])
            if row.at_risk
        ]
        if items:
            blocks.append(DigestBlock(title=f"{cohort.name}: officers at risk", items=items))
    return _everyone(staff, blocks)


register_digest_section(
    name="staff_attendance_last_week", role="programme_staff", build=staff_attendance_last_week, order=20
)
register_digest_section(name="staff_officers_at_risk", role="programme_staff", build=staff_officers_at_risk, order=30)


# --- the officer's training this week, and each running cohort for staff ---


def _session_line(session: TrainingSession) -> str:
    local_start = session.starts_at.astimezone(LONDON)
    local_end = session.ends_at.astimezone(LONDON)
    when = f"{format_date(local_start, 'weekday,no_year')}, {format_time(local_start)} to {format_time(local_end)}"
    what = session.topic or f"Week {session.week_number}"
    where = session.location or session.cohort.default_location or ("Online" if session.online_link else "")
    text = f"{when}: {what}" + (f" ({where})" if where else "")
    if session.is_cancelled:
        text += " (cancelled)"
    return text


def officer_training_this_week(officers: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    start, end = week_bounds(week)
    enrolments = list(
        Enrolment.objects.filter(officer__in=officers, status=Enrolment.Status.SELECTED).select_related("stream")
    )
    sessions = TrainingSession.objects.filter(
        cohort_id__in={enrolment.cohort_id for enrolment in enrolments}, starts_at__gte=start, starts_at__lt=end
    ).select_related("cohort")
    by_cohort: dict[int, list[TrainingSession]] = {}
    for session in sessions:
        by_cohort.setdefault(session.cohort_id, []).append(session)
    blocks: dict[int, list[DigestBlock]] = {}
    for enrolment in enrolments:
        items = [
            DigestItem(text=_session_line(session))
            for session in by_cohort.get(enrolment.cohort_id, [])
            if not enrolment.stream or enrolment.stream.covers(session.week_number)
        ]
        if items:
            blocks.setdefault(enrolment.officer_id, []).append(
                DigestBlock(title="Your training this week", items=items)
            )
    return blocks


def staff_running_cohorts(staff: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    start, end = week_bounds(week)
    cohorts = list(
        Cohort.objects.filter(status=Cohort.Status.RUNNING)
        .annotate(
            selected=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.SELECTED)),
            waitlisted=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED)),
            withdrawn=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WITHDRAWN)),
        )
        .order_by("start_date", "name")
    )
    sessions: dict[int, list[TrainingSession]] = {}
    for session in TrainingSession.objects.filter(
        cohort__in=cohorts, starts_at__gte=start, starts_at__lt=end
    ).select_related("cohort"):
        sessions.setdefault(session.cohort_id, []).append(session)
    blocks = []
    for cohort in cohorts:
        items = [
            DigestItem(
                text=(
                    f"{cohort.selected} of {cohort.capacity} places taken, {cohort.waitlisted} waitlisted, "
                    f"{cohort.withdrawn} withdrawn"
                ),
                url=reverse("cohorts:cohort_detail", kwargs={"slug": cohort.slug}),
            )
        ]
        items += [DigestItem(text=f"Session: {_session_line(session)}") for session in sessions.get(cohort.pk, [])]
        blocks.append(DigestBlock(title=cohort.name, items=items))
    return {user.pk: blocks for user in staff} if blocks else {}


register_digest_section(name="officer_training_this_week", role="officer", build=officer_training_this_week, order=10)
register_digest_section(name="staff_running_cohorts", role="programme_staff", build=staff_running_cohorts, order=10)


def officer_feedback_open(officers: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    """Sessions each officer attended whose feedback form is still open on the digest's Monday and
    that they have not answered. One query for every officer."""
    monday = datetime.combine(week.monday, time(0), tzinfo=LONDON)
    marks = (
        Attendance.objects.filter(
            enrolment__officer__in=officers,
            mark__in=[Attendance.Mark.PRESENT, Attendance.Mark.LATE],
            session__is_cancelled=False,
            session__ends_at__lte=monday,
            session__ends_at__gt=monday - timedelta(days=FEEDBACK_OPEN_DAYS),
        )
        .exclude(
            Exists(
                SessionFeedback.objects.filter(
                    session=OuterRef("session_id"), officer=OuterRef("enrolment__officer_id")
                )
            )
        )
        .select_related("session", "enrolment")
        .order_by("session__starts_at")
    )
    blocks: dict[int, list[DigestBlock]] = {}
    for mark in marks:
        session = mark.session
        closes = timezone.localtime(session.feedback_closes_at, LONDON)
        item = DigestItem(
            text=f"Week {session.week_number}{f': {session.topic}' if session.topic else ''} "
            f"(open until {closes:%A} {closes.day} {closes:%B})",
            url=reverse("cohorts:session_feedback", kwargs={"pk": session.pk}),
        )
        officer_blocks = blocks.setdefault(mark.enrolment.officer_id, [])
        if not officer_blocks:
            officer_blocks.append(
                DigestBlock(
                    title="Tell us how your training went",
                    intro="A short, anonymous form for each session you attended.",
                    items=[],
                )
            )
        officer_blocks[0].items.append(item)
    return blocks


register_digest_section(name="officer_feedback_open", role="officer", build=officer_feedback_open, order=15)
