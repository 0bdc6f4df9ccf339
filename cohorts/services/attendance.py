"""Registers for training sessions."""

from django.db import transaction
from django.utils import dateformat, timezone

from accounts.models import User
from audit.actions import Action
from audit.log import record
from common.formatting import format_date

from ..models import (
    Attendance,
    Enrolment,
    TrainingSession,
)
from .enrolments import CohortError


def register_closed_reason(session: TrainingSession) -> str:
    """Why the session's register cannot be taken (yet); "" when it is open."""
    if session.is_cancelled:
        return f"Week {session.week_number} was cancelled, so it has no register."
    if not session.register_is_open:
        opens = format_date(session.register_opens_on, "weekday")
        return (
            f"The register for week {session.week_number} opens on {opens}, the day of the session. "
            "Marks can only be recorded for a session that has happened."
        )
    return ""


@transaction.atomic
def register_save(*, session: TrainingSession, marks: dict[int, str], actor: User) -> int:
    """Saves a whole session's register at once. `marks` maps enrolment ids to marks; only officers
    selected on the session's cohort can be marked. A register opens on the session's day and never
    for a cancelled session: a mark records what happened, so an "absent" typed in ahead of time
    cannot put an officer at risk. The session row is locked so a cancellation cannot slip in."""
    session = TrainingSession.objects.select_for_update().select_related("cohort").get(pk=session.pk)
    refusal = register_closed_reason(session)
    if refusal:
        raise CohortError(refusal)
    allowed = set(
        session.cohort.enrolments.filter(
            status__in=[Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED]
        ).values_list("pk", flat=True)
    )
    unknown = set(marks) - allowed
    if unknown:
        raise CohortError("The register lists an officer who is not on this cohort")
    old = dict(session.attendances.values_list("enrolment_id", "mark"))
    for enrolment_id, mark in marks.items():
        if mark not in Attendance.Mark.values:
            raise CohortError("Choose present, late, absent or excused for every officer")
        Attendance.objects.update_or_create(
            session=session, enrolment_id=enrolment_id, defaults={"mark": mark, "recorded_by": actor}
        )
    changed = {pk: mark for pk, mark in marks.items() if old.get(pk) != mark}
    record(
        Action.REGISTER_SAVED,
        actor=actor,
        obj=session,
        before={f"enrolment {pk}": old.get(pk) for pk in changed},
        after={f"enrolment {pk}": mark for pk, mark in changed.items()},
        marks=len(marks),
    )
    return len(marks)


def register_not_happened_warning(session: TrainingSession, *, now=None) -> str:
    """On the session's day the register is open, but before the session starts nobody has
    attended yet: the page says so, so staff do not mark people who have not arrived."""
    now = now or timezone.now()
    if session.is_cancelled or not session.register_is_open or now >= session.starts_at:
        return ""
    starts = dateformat.format(timezone.localtime(session.starts_at), "H:i")
    return (
        f"Week {session.week_number} has not happened yet: it starts at {starts} today. "
        "Mark only what has happened; you can come back and change the register later today."
    )
