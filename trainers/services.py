"""Writes for graduation, the trainer pathway and cascade sessions."""

import secrets
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Min, Prefetch
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Role, has_role
from audit.actions import Action
from audit.log import changes, record, snapshot
from cohorts.models import Enrolment
from cohorts.services import CohortError, enrolment_set_status
from common.formatting import format_date
from mentoring.services import allocations_save
from projects.models import Project
from projects.services import project_update

from .assessments import owed_windows, statements_of
from .models import CascadeSession, Graduation, SelfAssessment, SkillRating, SkillStatement, TrainerStep
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
            f"The date must be the same as or after {format_date(graduated_on)}, the day you graduated: "
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


# --- skills self-assessment ---


class SelfAssessmentRefused(Exception):
    pass


@transaction.atomic
def skill_statements_set(*, cohort, texts: list[str]) -> list:
    """The cohort's statements become `texts`, in that order. A statement that officers have already
    rated keeps its row (so uplift still compares like with like) and cannot be removed."""
    wanted = [text.strip() for text in texts if text.strip()]
    existing = {
        statement.text: statement for statement in SkillStatement.objects.select_for_update().filter(cohort=cohort)
    }
    removed = [statement for text, statement in existing.items() if text not in wanted]
    rated = [statement.text for statement in removed if statement.ratings.exists()]
    if rated:
        raise ValidationError(f"Officers have already rated “{rated[0]}”, so it cannot be removed")
    SkillStatement.objects.filter(pk__in=[statement.pk for statement in removed]).delete()
    kept = []
    for order, text in enumerate(dict.fromkeys(wanted)):
        statement = existing.get(text) or SkillStatement(cohort=cohort, text=text)
        statement.order = order
        statement.save()
        kept.append(statement)
    return kept


@transaction.atomic
def self_assessment_submit(*, enrolment: Enrolment, stage: str, scores: dict[int, int], today: date | None = None):
    """Records one stage's answers: one score from 1 to 5 for every statement of the cohort."""
    today = today or timezone.localdate()
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).exists()  # one submission at a time
    enrolment = (
        Enrolment.objects.filter(pk=enrolment.pk)
        .select_related("cohort", "graduation")
        .prefetch_related(Prefetch("self_assessments", to_attr="assessment_list"))
        .get()
    )
    window = next((w for w in owed_windows(enrolment) if w.stage == stage), None)
    if window is None:
        raise SelfAssessmentRefused("You have already answered this questionnaire, or it is not for you")
    if not window.is_open(today):
        raise SelfAssessmentRefused("This questionnaire is not open now")
    statements = statements_of(enrolment.cohort)
    if {s.pk for s in statements} != set(scores) or not all(1 <= v <= 5 for v in scores.values()):
        raise SelfAssessmentRefused("Rate every statement from 1 to 5")
    try:
        with transaction.atomic():
            assessment = SelfAssessment.objects.create(enrolment=enrolment, stage=stage, submitted_at=timezone.now())
    except IntegrityError as exc:
        raise SelfAssessmentRefused("You have already answered this questionnaire") from exc
    SkillRating.objects.bulk_create(
        SkillRating(assessment=assessment, statement_id=pk, score=score) for pk, score in scores.items()
    )
    return assessment


# --- confirming suggested allocations ---


@transaction.atomic
def allocations_confirm(
    *, cohort, project_mentors: dict[int, int | None], teams: dict[int, int | None], actor: User
) -> list[str]:
    """Saves what staff confirmed from a proposal (trainers.allocations): officers join the project
    teams chosen for them, each project gets its lead mentor, and every officer on a project gets
    that mentor as their lead mentor. Returns a line for each change."""
    projects = {
        project.pk: project
        for project in Project.objects.select_for_update()
        .filter(cohort=cohort, pk__in=set(project_mentors) | {pk for pk in teams.values() if pk})
        .prefetch_related("officers")
    }
    if set(project_mentors) - set(projects) or {pk for pk in teams.values() if pk} - set(projects):
        raise ValidationError("Every project must belong to the cohort")
    mentors = {
        user.pk: user for user in User.objects.mentors().filter(pk__in={m for m in project_mentors.values() if m})
    }
    newcomers = {user.pk: user for user in User.objects.officers().filter(pk__in=[o for o, p in teams.items() if p])}
    changes = []
    for project_id, project in sorted(projects.items(), key=lambda item: item[1].title):
        team = list(project.officers.all())
        joining = [newcomers[officer_id] for officer_id, pk in teams.items() if pk == project_id]
        mentor = mentors.get(project_mentors.get(project_id)) if project_id in project_mentors else project.lead_mentor
        if not joining and mentor == project.lead_mentor:
            continue
        before = project.lead_mentor
        project_update(
            project=project,
            actor=actor,
            title=project.title,
            problem_statement=project.problem_statement,
            matching_approach=project.matching_approach,
            tools=project.tools,
            officers=team + joining,
            lead_mentor=mentor,
        )
        for officer in joining:
            changes.append(f"{officer.full_name} joins “{project.title}”")
        if mentor != before:
            changes.append(
                f"“{project.title}”: {before.full_name if before else 'no lead mentor'} to "
                f"{mentor.full_name if mentor else 'no lead mentor'}"
            )
    lead_of = {}
    for project_id, project in projects.items():
        if project_id in project_mentors:
            for officer in project.officers.all():
                lead_of[officer.pk] = project.lead_mentor_id
    changes += [str(change) for change in allocations_save(allocations=lead_of, by=actor)]
    return changes
