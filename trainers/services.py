"""Writes for graduation, the trainer pathway and cascade sessions."""

import secrets
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Role, has_role
from audit.actions import Action
from audit.log import changes, record, snapshot
from cohorts.models import Enrolment
from cohorts.services import CohortError, enrolment_set_status

from .models import CascadeSession, Graduation, TrainerStep
from .selectors import graduation_check


@transaction.atomic
def graduation_record(
    *, enrolment: Enrolment, actor: User, showcase_presented: bool, note: str = "", graduated_on: date | None = None
) -> Graduation:
    """Marks a selected officer as having completed the cohort and issues their certificate. Staff see
    the criteria; an officer who does not meet all of them can still graduate, but only with a reason,
    which is kept in the enrolment's history."""
    enrolment = Enrolment.objects.select_for_update().select_related("cohort", "officer").get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise CohortError(f"{enrolment.officer.full_name} has already graduated")
    if enrolment.status != Enrolment.Status.SELECTED:
        raise CohortError("Only an officer with a place on the cohort can graduate")
    check = graduation_check(enrolment)
    if not check.meets_all(showcase_presented=showcase_presented) and not note.strip():
        raise CohortError("Give a reason for graduating an officer who does not meet every criterion")
    enrolment_set_status(
        enrolment=enrolment, status=Enrolment.Status.COMPLETED, actor=actor, note=note.strip() or "Graduated"
    )
    graduation = Graduation.objects.create(
        enrolment=enrolment,
        graduated_on=graduated_on or timezone.localdate(),
        showcase_presented=showcase_presented or check.case_study_published,
        verification_token=secrets.token_urlsafe(24),
        recorded_by=actor,
    )
    record(
        Action.GRADUATION_RECORDED,
        actor=actor,
        obj=graduation,
        after={"graduated_on": graduation.graduated_on, "showcase_presented": graduation.showcase_presented},
        note=note.strip(),
    )
    return graduation


def _is_graduate(user: User) -> bool:
    return Enrolment.objects.filter(officer=user, status=Enrolment.Status.COMPLETED).exists()


def _graduation_day(graduate: User) -> date | None:
    """The first day a graduate's cascade sessions can count from: their first certificate's date. A
    completed place without a certificate row (recorded before certificates existed) falls back to the
    first day of that cohort, so a session years before the bootcamp is still refused."""
    first = Enrolment.objects.filter(officer=graduate, status=Enrolment.Status.COMPLETED).aggregate(
        graduated=Min("graduation__graduated_on"), started=Min("cohort__start_date")
    )
    return first["graduated"] or first["started"]


@transaction.atomic
def trainer_step_record(*, graduate: User, kind: str, happened_on: date, note: str, actor: User) -> TrainerStep:
    """Graduate, then co-facilitator, then trainer: each step once, in that order."""
    if not _is_graduate(graduate):
        raise CohortError(f"{graduate.full_name} has not graduated yet")
    if happened_on > timezone.localdate():
        raise CohortError("Enter a date that is today or in the past")
    steps = {step.kind: step for step in TrainerStep.objects.filter(graduate=graduate)}
    if kind in steps:
        raise CohortError(f"{graduate.full_name} is already recorded as {steps[kind].get_kind_display().lower()}")
    if kind == TrainerStep.Kind.TRAINER:
        before = steps.get(TrainerStep.Kind.CO_FACILITATOR)
        if before is None:
            raise CohortError("Record the co-facilitator step before the trainer step")
        if happened_on < before.happened_on:
            raise CohortError("The trainer step cannot be before the co-facilitator step")
    step = TrainerStep(graduate=graduate, kind=kind, happened_on=happened_on, note=note, recorded_by=actor)
    step.full_clean()
    step.save()
    record(Action.TRAINER_STEP_RECORDED, actor=actor, obj=step, after={"kind": kind, "happened_on": happened_on})
    return step


class CascadeSessionInvalid(CohortError):
    """A cascade session that breaks a rule; `field` names the form field to show it on."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _attendee_emails_clean(emails: list[str], colleagues_reached: int) -> list[str]:
    cleaned: list[str] = []
    for email in emails:
        email = email.strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CascadeSessionInvalid(
                "attendee_emails", f"Enter {email} as an email address in the correct format, like name@example.com"
            ) from exc
        if email not in cleaned:
            cleaned.append(email)
    if len(cleaned) > colleagues_reached:
        raise CascadeSessionInvalid(
            "attendee_emails",
            f"You listed {len(cleaned)} attendees but reached {colleagues_reached} colleagues: "
            "the number of colleagues must be at least the number of attendees",
        )
    return cleaned


def _cascade_session_fill(
    session: CascadeSession,
    *,
    delivered_on: date,
    topic: str,
    format: str,
    length_minutes: int,
    colleagues_reached: int,
    attendee_emails: list[str],
) -> CascadeSession:
    if delivered_on > timezone.localdate():
        raise CascadeSessionInvalid("delivered_on", "The date must be today or in the past")
    graduated_on = _graduation_day(session.graduate)
    if graduated_on is not None and delivered_on < graduated_on:
        raise CascadeSessionInvalid(
            "delivered_on",
            f"The date must be the same as or after {graduated_on:%-d %B %Y}, the day you graduated: "
            "only sessions you ran as a graduate count",
        )
    if colleagues_reached < 1:
        raise CascadeSessionInvalid("colleagues_reached", "Enter the number of colleagues reached, at least 1")
    session.delivered_on = delivered_on
    session.topic = topic.strip()
    session.format = format
    session.length_minutes = length_minutes
    session.colleagues_reached = colleagues_reached
    session.attendee_emails = _attendee_emails_clean(attendee_emails, colleagues_reached)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def cascade_session_create(
    *,
    graduate: User,
    delivered_on: date,
    topic: str,
    format: str,
    length_minutes: int,
    colleagues_reached: int,
    attendee_emails: list[str] | None = None,
) -> CascadeSession:
    """A graduate logs a session they delivered in their own organisation."""
    if not _is_graduate(graduate):
        raise PermissionDenied
    session = CascadeSession(graduate=graduate, organisation=graduate.organisation)
    session = _cascade_session_fill(
        session,
        delivered_on=delivered_on,
        topic=topic,
        format=format,
        length_minutes=length_minutes,
        colleagues_reached=colleagues_reached,
        attendee_emails=attendee_emails or [],
    )
    record(Action.CASCADE_SESSION_SAVED, actor=graduate, obj=session, after=snapshot(session, CASCADE_FIELDS))
    return session


CASCADE_FIELDS = ["delivered_on", "topic", "format", "length_minutes", "colleagues_reached"]


@transaction.atomic
def cascade_session_update(
    *,
    session: CascadeSession,
    graduate: User,
    delivered_on: date,
    topic: str,
    format: str,
    length_minutes: int,
    colleagues_reached: int,
    attendee_emails: list[str] | None = None,
) -> CascadeSession:
    """Only the graduate who logged a session changes it. A change clears staff verification: staff
    verified what the session said before."""
    if session.graduate_id != graduate.pk:
        raise PermissionDenied
    session = CascadeSession.objects.select_for_update().get(pk=session.pk)
    old = snapshot(session, [*CASCADE_FIELDS, "verified_at"])
    session.verified_by = None
    session.verified_at = None
    session = _cascade_session_fill(
        session,
        delivered_on=delivered_on,
        topic=topic,
        format=format,
        length_minutes=length_minutes,
        colleagues_reached=colleagues_reached,
        attendee_emails=attendee_emails or [],
    )
    before, after = changes(session, [*CASCADE_FIELDS, "verified_at"], old)
    record(Action.CASCADE_SESSION_SAVED, actor=graduate, obj=session, before=before, after=after)
    return session


@transaction.atomic
def cascade_session_verify(*, session: CascadeSession, actor: User) -> CascadeSession:
    if not has_role(actor, Role.STAFF):
        raise PermissionDenied
    session = CascadeSession.objects.select_for_update().get(pk=session.pk)
    if session.verified_at is None:
        session.verified_by = actor
        session.verified_at = timezone.now()
        session.save(update_fields=["verified_by", "verified_at", "updated_at"])
        record(
            Action.CASCADE_SESSION_VERIFIED,
            actor=actor,
            obj=session,
            before={"verified_at": None},
            after={"verified_at": session.verified_at},
        )
    return session
