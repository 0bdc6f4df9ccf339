"""Registers for training sessions."""

from django.db import transaction

from accounts.models import User

from ..models import (
    Attendance,
    Enrolment,
    TrainingSession,
)
from .enrolments import CohortError


@transaction.atomic
def register_save(*, session: TrainingSession, marks: dict[int, str], actor: User) -> int:
    """Saves a whole session's register at once. `marks` maps enrolment ids to marks; only officers
    selected on the session's cohort can be marked."""
    allowed = set(
        session.cohort.enrolments.filter(
            status__in=[Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED]
        ).values_list("pk", flat=True)
    )
    unknown = set(marks) - allowed
    if unknown:
        raise CohortError("The register lists an officer who is not on this cohort")
    for enrolment_id, mark in marks.items():
        if mark not in Attendance.Mark.values:
            raise CohortError("Choose present, late, absent or excused for every officer")
        Attendance.objects.update_or_create(
            session=session, enrolment_id=enrolment_id, defaults={"mark": mark, "recorded_by": actor}
        )
    return len(marks)
