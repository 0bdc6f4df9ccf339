"""Officers' feedback on the training sessions they attended."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User

from ..models import FEEDBACK_OPEN_DAYS, Attendance, SessionFeedback, TrainingSession

ATTENDED = (Attendance.Mark.PRESENT, Attendance.Mark.LATE)


class FeedbackRefused(Exception):
    """The officer may not give (or has already given) feedback on this session."""


def sessions_awaiting_feedback(officer: User, *, now: datetime | None = None) -> QuerySet[TrainingSession]:
    """Sessions the officer attended whose feedback form is open and that they have not answered.
    One query."""
    now = now or timezone.now()
    return (
        TrainingSession.objects.filter(
            is_cancelled=False,
            ends_at__lte=now,
            ends_at__gt=now - timedelta(days=FEEDBACK_OPEN_DAYS),
            attendances__enrolment__officer=officer,
            attendances__mark__in=ATTENDED,
        )
        .exclude(Exists(SessionFeedback.objects.filter(session=OuterRef("pk"), officer=officer)))
        .select_related("cohort")
        .order_by("ends_at")
    )


def feedback_refusal(session: TrainingSession, officer: User, *, now: datetime | None = None) -> str:
    """Why the officer cannot give feedback on the session; "" when they can."""
    now = now or timezone.now()
    opens, closes = session.ends_at, session.feedback_closes_at
    if SessionFeedback.objects.filter(session=session, officer=officer).exists():
        return "You have already given feedback on this session. Thank you."
    if session.is_cancelled:
        return "This session was cancelled, so there is nothing to give feedback on."
    if not Attendance.objects.filter(session=session, enrolment__officer=officer, mark__in=ATTENDED).exists():
        return "Only officers marked as attending a session can give feedback on it."
    if now < opens:
        return "Feedback on this session opens when it ends."
    if now >= closes:
        return f"Feedback on this session closed {FEEDBACK_OPEN_DAYS} days after it ended."
    return ""


@transaction.atomic
def feedback_submit(
    *,
    session: TrainingSession,
    officer: User,
    pace: int,
    clarity: int,
    usefulness: int,
    went_well: str = "",
    to_change: str = "",
    now: datetime | None = None,
) -> SessionFeedback:
    now = now or timezone.now()
    if not all(1 <= rating <= 5 for rating in (pace, clarity, usefulness)):
        raise ValueError("each rating is 1 to 5")
    reason = feedback_refusal(session, officer, now=now)
    if reason:
        raise FeedbackRefused(reason)
    feedback = SessionFeedback(
        session=session,
        officer=officer,
        pace=pace,
        clarity=clarity,
        usefulness=usefulness,
        went_well=went_well.strip(),
        to_change=to_change.strip(),
        submitted_at=now,
    )
    feedback.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as exc:  # two tabs submitted at once: the constraint is the final word
        raise FeedbackRefused("You have already given feedback on this session. Thank you.") from exc
    return feedback
