"""Erasure: a person's identity and free text go, the programme's figures stay.

The person's row is kept (other rows point at it with PROTECT, and the impact counts, attendance
counts and hours that the boroughs report on are counted through it); what identifies them is
replaced, and what they wrote is blanked. Sign-in ends: the password becomes unusable (which also
invalidates every session they hold, since a session carries a hash of the password) and the
account inactive. Staff must first resolve what is still open: upcoming mentoring sessions and a
place on a cohort that is still running."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import LinkedIdentity, User
from accounts.sessions import sessions_end
from audit.actions import Action
from audit.log import record
from cohorts.models import ApplicationScore, Cohort, Enrolment, EnrolmentEvent, SessionFeedback
from exercises.models import Submission
from mentoring.models import AvailabilityException, Booking, CalendarFeed, MentorAllocation, MentorProfile
from notifications.models import Message, Unsubscription
from projects.models import IGCheck, IGCheckEvent, LinkageRun, LogComment, Milestone, ProgressLog
from trainers.models import CascadeSession, TrainerStep

ERASED_NAME = "Erased person"
ERASED_TEXT = ""


class ErasureRefused(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class ErasureResult:
    person: User
    counts: dict[str, int]


def erased_email(person: User) -> str:
    return f"erased-{person.pk}@invalid"


def is_erased(person: User) -> bool:
    return person.email == erased_email(person)


def erasure_obstacles(person: User) -> list[str]:
    """What staff must resolve first, in words they can act on. Empty when erasure may go ahead."""
    reasons = []
    upcoming = Booking.objects.active().filter(Q(officer=person) | Q(mentor=person), ends_at__gt=timezone.now()).count()
    if upcoming:
        reasons.append(
            f"{person.full_name} has {upcoming} upcoming mentoring session{'s' if upcoming != 1 else ''}: "
            "cancel or finish them first"
        )
    running = list(
        Enrolment.objects.filter(
            officer=person, cohort__status=Cohort.Status.RUNNING, status=Enrolment.Status.SELECTED
        ).values_list("cohort__name", flat=True)
    )
    if running:
        reasons.append(
            f"{person.full_name} has a place on {', '.join(running)}, which is still running: "
            "withdraw them or wait until it finishes"
        )
    return reasons


def erasure_consequences(person: User) -> list[str]:
    """What erasure will do, for the confirmation page."""
    return [
        f"Their name becomes “{ERASED_NAME}” and their email address {erased_email(person)}; job title removed.",
        f"{ProgressLog.objects.filter(officer=person).count()} progress logs lose their text (weeks, status and "
        "hours stay, so programme figures do not change).",
        f"{Enrolment.objects.filter(officer=person).count()} applications lose their answers and line manager "
        "details (status and history stay).",
        "Comments, notes and feedback they wrote are removed; mentoring sessions, attendance marks, cascade "
        "sessions and graduations stay as counts.",
        "Emails sent to them lose their address, subject and text; any not sent yet are cancelled.",
        "They can no longer sign in (a link to their council’s sign-in is removed) and every session they have "
        "open ends.",
        "The audit log keeps its rows for 6 years, as the retention schedule says.",
    ]


def person_erase(*, person: User, actor: User | None, request=None, via: str = "web") -> ErasureResult:
    """Erases a person, or raises ErasureRefused with the reasons (which are recorded too)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        if is_erased(locked):
            raise ErasureRefused([f"{locked.full_name} has already been erased"])
        reasons = erasure_obstacles(locked)
        if not reasons:
            return _erase(locked, actor=actor, request=request, via=via)
    # Recorded after the transaction that changed nothing: raising inside it would roll the row back.
    record(
        Action.ERASURE_REFUSED,
        request=request,
        actor=actor,
        actor_label="" if actor else f"command line ({via})",
        obj=locked,
        reasons=reasons,
        via=via,
    )
    raise ErasureRefused(reasons)


def _erase(person: User, *, actor: User | None, request, via: str) -> ErasureResult:
    before = {"email": person.email, "full_name": person.full_name}
    to_them = Message.objects.filter(Q(recipient=person) | Q(to_email__iexact=person.email))
    # An email still waiting would otherwise go out, blank, to the erased address.
    emails_cancelled = to_them.filter(status=Message.Status.QUEUED).update(status=Message.Status.CANCELLED)
    counts = {
        "progress_logs": ProgressLog.objects.filter(officer=person).update(
            what_i_did=ERASED_TEXT, whats_next=ERASED_TEXT, blockers=ERASED_TEXT
        ),
        "log_comments": LogComment.objects.filter(author=person).update(body=ERASED_TEXT),
        "applications": Enrolment.objects.filter(officer=person).update(
            job_title="",
            motivation=ERASED_TEXT,
            prior_experience=ERASED_TEXT,
            proposed_problem=ERASED_TEXT,
            line_manager_name="",
            line_manager_email="",
            outcome_note="",
        ),
        "application_history_notes": EnrolmentEvent.objects.filter(enrolment__officer=person).update(note=""),
        "scores_written": ApplicationScore.objects.filter(scorer=person).update(comment=""),
        # Ratings stay for the session's averages; the words go.
        "session_feedback": SessionFeedback.objects.filter(officer=person).update(went_well="", to_change=""),
        "leave_reasons": AvailabilityException.objects.filter(mentor=person).update(reason=""),
        "milestone_notes": Milestone.objects.filter(done_by=person).update(note="", evidence_url=""),
        # IG evidence and linkage runs stay (the project's governance and quality figures); their words go,
        # and the history names them as erased.
        "ig_check_notes": IGCheck.objects.filter(recorded_by=person).update(note=""),
        "ig_check_history": IGCheckEvent.objects.filter(actor=person).update(actor_label=ERASED_NAME, note=""),
        "linkage_run_notes": LinkageRun.objects.filter(recorded_by=person).update(note=""),
        # Practice scores stay (counts only); the uploaded file and its name go.
        "exercise_submissions": Submission.objects.filter(officer=person).update(file_name="(erased)", pairs_csv=""),
        "bookings_as_officer": Booking.objects.filter(officer=person).update(
            agenda=ERASED_TEXT, feedback=ERASED_TEXT, move_reason=""
        ),
        "bookings_as_mentor": Booking.objects.filter(mentor=person).update(
            notes=ERASED_TEXT, action_points=ERASED_TEXT
        ),
        "cascade_sessions": CascadeSession.objects.filter(graduate=person).update(attendee_emails=[]),
        "trainer_steps": TrainerStep.objects.filter(graduate=person).update(note=""),
        "emails": to_them.update(
            to_email=erased_email(person), subject="(erased)", body_text="", body_html="", attachments=[], headers={}
        ),
        "emails_cancelled": emails_cancelled,
    }
    MentorProfile.objects.filter(mentor=person).delete()
    MentorAllocation.objects.filter(Q(officer=person) | Q(mentor=person)).delete()
    CalendarFeed.objects.filter(user=person).delete()
    Unsubscription.objects.filter(user=person).delete()
    # Their council's sign-in (which holds the email they had there) and their open sessions (with
    # addresses and browsers) go too; the unusable password alone would leave those rows behind.
    LinkedIdentity.objects.filter(user=person).delete()
    counts["sessions_ended"] = sessions_end(user=person)
    person.full_name = ERASED_NAME
    person.email = erased_email(person)
    person.job_title = ""
    person.is_active = False
    person.is_staff = person.is_superuser = False
    person.set_unusable_password()
    person.save()
    record(
        Action.PERSON_ERASED,
        request=request,
        actor=actor,
        actor_label="" if actor else f"command line ({via})",
        obj=person,
        before=before,
        after={"email": person.email, "full_name": person.full_name},
        counts=counts,
        via=via,
    )
    return ErasureResult(person=person, counts=counts)
