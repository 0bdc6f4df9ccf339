from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Role, has_role
from cohorts.models import Cohort, Enrolment, TrainingSession
from notifications.services import absolute_url, message_queue

from . import weeks
from .models import (
    CaseStudy,
    Dataset,
    IGCheck,
    LinkageRun,
    LogComment,
    Milestone,
    MilestoneTemplate,
    ProgressLog,
    Project,
)

# --- milestone plans ---------------------------------------------------------------------------------


def milestone_plan_for(cohort: Cohort) -> list[MilestoneTemplate]:
    """The cohort's own plan if staff have edited it, otherwise the default plan."""
    own = list(MilestoneTemplate.objects.filter(cohort=cohort))
    return own or list(MilestoneTemplate.objects.filter(cohort__isnull=True))


@transaction.atomic
def milestone_plan_customise(*, cohort: Cohort) -> list[MilestoneTemplate]:
    """Gives a cohort its own copy of the default plan so staff can edit it without changing other cohorts."""
    if MilestoneTemplate.objects.filter(cohort=cohort).exists():
        return list(MilestoneTemplate.objects.filter(cohort=cohort))
    defaults = MilestoneTemplate.objects.filter(cohort__isnull=True)
    return MilestoneTemplate.objects.bulk_create(
        MilestoneTemplate(
            cohort=cohort, title=t.title, due_week=t.due_week, order=t.order, needs_ig_approval=t.needs_ig_approval
        )
        for t in defaults
    )


@transaction.atomic
def milestone_template_save(
    *,
    cohort: Cohort,
    title: str,
    due_week: int,
    needs_ig_approval: bool,
    template: MilestoneTemplate | None = None,
) -> MilestoneTemplate:
    if due_week > cohort.weeks:
        raise ValidationError({"due_week": f"Enter a week between 1 and {cohort.weeks}"})
    if template is None:
        milestone_plan_customise(cohort=cohort)
        last = MilestoneTemplate.objects.filter(cohort=cohort).order_by("-order").first()
        template = MilestoneTemplate(cohort=cohort, order=(last.order + 1) if last else 1)
    elif template.cohort_id is None:  # the first change to a cohort's plan copies the default plan
        milestone_plan_customise(cohort=cohort)
        template = MilestoneTemplate.objects.get(cohort=cohort, order=template.order, title=template.title)
    elif template.cohort_id != cohort.pk:
        raise PermissionDenied
    template.title = title
    template.due_week = due_week
    template.needs_ig_approval = needs_ig_approval
    template.full_clean()
    template.save()
    milestones_reschedule(cohort=cohort)  # existing projects follow the plan, keeping their progress
    return template


def _due_dates(cohort: Cohort) -> dict[int, date]:
    """Each week's training day from the cohort's schedule, in London time."""
    sessions = TrainingSession.objects.filter(cohort=cohort).only("week_number", "starts_at")
    return {s.week_number: timezone.localtime(s.starts_at, weeks.LONDON).date() for s in sessions}


def _due_on(cohort: Cohort, due: dict[int, date], due_week: int) -> date:
    return due.get(due_week) or weeks.week_training_day(cohort, due_week)


def _copy_plan(project: Project) -> list[Milestone]:
    due = _due_dates(project.cohort)
    return Milestone.objects.bulk_create(
        Milestone(
            project=project,
            title=t.title,
            order=t.order,
            due_week=t.due_week,
            due_on=_due_on(project.cohort, due, t.due_week),
            needs_ig_approval=t.needs_ig_approval,
        )
        for t in milestone_plan_for(project.cohort)
    )


@transaction.atomic
def milestones_reschedule(*, cohort: Cohort) -> int:
    """Brings the cohort's existing projects in line with its milestone plan and training schedule. Each
    milestone takes the title, due week and IG gate of the plan step with the same order, and the date of
    that week's training session; a plan step a project lacks is added, not started. Progress (state,
    notes, reviews) is kept. Returns how many projects changed."""
    plan = milestone_plan_for(cohort)
    due = _due_dates(cohort)
    to_update, to_create, changed = [], [], set()
    for project in Project.objects.filter(cohort=cohort).prefetch_related("milestones"):
        by_order = {milestone.order: milestone for milestone in project.milestones.all()}
        for step in plan:
            wanted = (step.title, step.due_week, _due_on(cohort, due, step.due_week), step.needs_ig_approval)
            milestone = by_order.get(step.order)
            if milestone is None:
                title, due_week, due_on, needs_ig_approval = wanted
                to_create.append(
                    Milestone(
                        project=project,
                        order=step.order,
                        title=title,
                        due_week=due_week,
                        due_on=due_on,
                        needs_ig_approval=needs_ig_approval,
                    )
                )
            elif (milestone.title, milestone.due_week, milestone.due_on, milestone.needs_ig_approval) != wanted:
                milestone.title, milestone.due_week, milestone.due_on, milestone.needs_ig_approval = wanted
                to_update.append(milestone)
            else:
                continue
            changed.add(project.pk)
    Milestone.objects.bulk_update(to_update, ["title", "due_week", "due_on", "needs_ig_approval"])
    Milestone.objects.bulk_create(to_create)
    return len(changed)


# --- projects ----------------------------------------------------------------------------------------


def _check_team(*, cohort: Cohort, officers: list[User], lead_mentor: User | None) -> None:
    if not officers:
        raise ValidationError({"officers": "Choose at least one officer"})
    selected = set(
        Enrolment.objects.filter(
            cohort=cohort, officer__in=officers, status__in=[Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED]
        ).values_list("officer_id", flat=True)
    )
    outsiders = [officer.full_name for officer in officers if officer.pk not in selected]
    if outsiders:
        raise ValidationError({"officers": f"{', '.join(outsiders)} is not selected on {cohort.name}"})
    if lead_mentor is not None and not lead_mentor.is_mentor:
        raise ValidationError({"lead_mentor": "Choose a mentor as lead mentor"})


def can_edit_project(user: User, project: Project) -> bool:
    return has_role(user, Role.STAFF) or project.officers.filter(pk=user.pk).exists()


@transaction.atomic
def project_create(
    *,
    cohort: Cohort,
    title: str,
    problem_statement: str,
    officers: list[User],
    lead_mentor: User | None = None,
    matching_approach: str = "",
    tools: str = "",
) -> Project:
    """A project with its three IG checks (not started) and the cohort's milestone plan copied in."""
    _check_team(cohort=cohort, officers=officers, lead_mentor=lead_mentor)
    project = Project(
        cohort=cohort,
        title=title,
        problem_statement=problem_statement,
        lead_mentor=lead_mentor,
        matching_approach=matching_approach,
        tools=tools,
    )
    project.full_clean()
    project.save()
    project.officers.set(officers)
    IGCheck.objects.bulk_create(IGCheck(project=project, kind=kind) for kind in IGCheck.Kind.values)
    _copy_plan(project)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    actor: User,
    title: str,
    problem_statement: str,
    matching_approach: str,
    tools: str,
    officers: list[User] | None = None,
    lead_mentor: User | None = None,
) -> Project:
    """Officers on the project edit its description; only staff change who is on it and who leads it."""
    if not can_edit_project(actor, project):
        raise PermissionDenied
    if has_role(actor, Role.STAFF) and officers is not None:
        _check_team(cohort=project.cohort, officers=officers, lead_mentor=lead_mentor)
        project.officers.set(officers)
        project.lead_mentor = lead_mentor
    project.title = title
    project.problem_statement = problem_statement
    project.matching_approach = matching_approach
    project.tools = tools
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def dataset_save(
    *,
    project: Project,
    actor: User,
    name: str,
    owning_service: str,
    holds_personal_data: bool,
    approximate_records: int,
    key_fields: list[str],
    dataset: Dataset | None = None,
) -> Dataset:
    if not can_edit_project(actor, project):
        raise PermissionDenied
    dataset = dataset or Dataset(project=project)
    if dataset.project_id != project.pk:
        raise PermissionDenied
    unknown = set(key_fields) - set(Dataset.KeyField.values)
    if unknown:
        raise ValidationError({"key_fields": "Select key fields from the list"})
    dataset.name = name
    dataset.owning_service = owning_service
    dataset.holds_personal_data = holds_personal_data
    dataset.approximate_records = approximate_records
    dataset.key_fields = [value for value in Dataset.KeyField.values if value in key_fields]
    dataset.full_clean()
    dataset.save()
    return dataset


@transaction.atomic
def dataset_delete(*, dataset: Dataset, actor: User) -> None:
    if not can_edit_project(actor, dataset.project):
        raise PermissionDenied
    dataset.delete()


@transaction.atomic
def ig_check_update(*, check: IGCheck, actor: User, status: str, decided_on: date | None, note: str) -> IGCheck:
    if not can_edit_project(actor, check.project):
        raise PermissionDenied
    if status == IGCheck.Status.APPROVED and decided_on is None:
        raise ValidationError({"decided_on": "Enter the date it was approved"})
    if decided_on is not None and decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The date must be today or in the past"})
    check.status = status
    check.decided_on = decided_on
    check.note = note
    check.full_clean()
    check.save()
    return check


# --- milestones --------------------------------------------------------------------------------------


def missing_ig_approvals(project: Project) -> list[IGCheck]:
    return [check for check in project.ig_checks.all() if not check.is_settled]


@transaction.atomic
def milestone_mark_done(*, milestone: Milestone, officer: User, note: str = "", evidence_url: str = "") -> Milestone:
    """An officer on the project says a milestone is done. The "data access approved" kind of milestone
    stays closed while any IG check is neither approved nor marked not needed."""
    project = milestone.project
    if not project.officers.filter(pk=officer.pk).exists():
        raise PermissionDenied
    if milestone.state == Milestone.State.SIGNED_OFF:
        raise ValidationError("This milestone has already been signed off")
    if not note.strip() and not evidence_url.strip():
        raise ValidationError({"note": "Enter a note or an evidence link"})
    if milestone.needs_ig_approval:
        missing = missing_ig_approvals(project)
        if missing:
            names = ", ".join(check.get_kind_display() for check in missing)
            raise ValidationError(f"You cannot complete this milestone until these are approved or not needed: {names}")
    milestone.state = Milestone.State.DONE
    milestone.note = note
    milestone.evidence_url = evidence_url
    milestone.done_by = officer
    milestone.done_at = timezone.now()
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_review(*, milestone: Milestone, reviewer: User, sign_off: bool, review_note: str = "") -> Milestone:
    """The lead mentor or staff sign off a done milestone or send it back with a reason."""
    if not (has_role(reviewer, Role.STAFF) or milestone.project.lead_mentor_id == reviewer.pk):
        raise PermissionDenied
    if milestone.state != Milestone.State.DONE:
        raise ValidationError("Only a milestone marked as done can be signed off or sent back")
    if not sign_off and not review_note.strip():
        raise ValidationError({"review_note": "Enter what needs to change"})
    milestone.state = Milestone.State.SIGNED_OFF if sign_off else Milestone.State.SENT_BACK
    milestone.reviewed_by = reviewer
    milestone.reviewed_at = timezone.now()
    milestone.review_note = review_note
    milestone.save()
    return milestone


# --- weekly progress logs ----------------------------------------------------------------------------


class LogWeekTaken(ValidationError):
    pass


def _check_log_week(project: Project, week_number: int, now) -> None:
    if week_number < 1 or week_number > project.cohort.weeks:
        raise ValidationError({"week_number": f"Choose a week between 1 and {project.cohort.weeks}"})
    if week_number > weeks.current_week(project.cohort, now):
        raise ValidationError({"week_number": "You cannot write a log for a week that has not started yet"})
    if not weeks.week_is_open(project.cohort, week_number, now):
        raise ValidationError(
            {"week_number": f"Week {week_number} has ended. Logs can only be changed until the week ends"}
        )


@transaction.atomic
def progress_log_create(
    *,
    project: Project,
    officer: User,
    week_number: int,
    what_i_did: str,
    whats_next: str,
    blockers: str,
    rag_status: str,
    hours: Decimal,
) -> ProgressLog:
    if not project.officers.filter(pk=officer.pk).exists():
        raise PermissionDenied
    now = timezone.now()
    if ProgressLog.objects.filter(project=project, officer=officer, week_number=week_number).exists():
        raise LogWeekTaken(
            {"week_number": f"You have already written a log for week {week_number}. Change that one instead"}
        )
    _check_log_week(project, week_number, now)
    log = ProgressLog(
        project=project,
        officer=officer,
        week_number=week_number,
        what_i_did=what_i_did,
        whats_next=whats_next,
        blockers=blockers,
        rag_status=rag_status,
        hours=hours,
    )
    log.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError as exc:  # a double submit raced past the check above
        raise LogWeekTaken({"week_number": f"You have already written a log for week {week_number}"}) from exc
    return log


@transaction.atomic
def progress_log_update(
    *,
    log: ProgressLog,
    officer: User,
    what_i_did: str,
    whats_next: str,
    blockers: str,
    rag_status: str,
    hours: Decimal,
) -> ProgressLog:
    if log.officer_id != officer.pk:
        raise PermissionDenied
    if not weeks.week_is_open(log.project.cohort, log.week_number):
        raise ValidationError(f"Week {log.week_number} has ended, so this log can no longer be changed")
    log.what_i_did = what_i_did
    log.whats_next = whats_next
    log.blockers = blockers
    log.rag_status = rag_status
    log.hours = hours
    log.full_clean(validate_unique=False)
    log.save()
    return log


def can_comment_on_log(user: User, log: ProgressLog) -> bool:
    """Staff and the project's lead mentor comment on a log; the log's own officer replies in its thread."""
    return (
        has_role(user, Role.STAFF)
        or (has_role(user, Role.MENTOR) and log.project.lead_mentor_id == user.pk)
        or log.officer_id == user.pk
    )


@transaction.atomic
def log_comment_create(*, log: ProgressLog, author: User, body: str) -> LogComment:
    """Mentors and staff comment on a log and the officer is told by email. The officer's reply goes to
    the lead mentor and everyone else who has commented in the thread."""
    project = log.project
    if not can_comment_on_log(author, log):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": "Enter a comment"})
    comment = LogComment.objects.create(log=log, author=author, body=body.strip())
    path = reverse("projects:log_detail", kwargs={"pk": project.pk, "log_pk": log.pk})
    context = {"comment": comment, "log": log, "project": project, "log_url": absolute_url(path)}
    if author.pk != log.officer_id:
        message_queue(
            recipient=log.officer,
            to_email=log.officer.email,
            kind="log_comment",
            dedup_key=f"log_comment:{comment.pk}",
            template="log_comment",
            context=context,
        )
        return comment
    readers = {user.pk: user for user in User.objects.filter(pk__in=log.comments.values("author_id"))}
    if project.lead_mentor is not None:
        readers.setdefault(project.lead_mentor.pk, project.lead_mentor)
    readers.pop(author.pk, None)
    for reader in sorted(readers.values(), key=lambda user: user.pk):
        message_queue(
            recipient=reader,
            to_email=reader.email,
            kind="log_reply",
            dedup_key=f"log_reply:{comment.pk}:{reader.pk}",
            template="log_reply",
            context={**context, "reader": reader},
        )
    return comment


# --- linkage quality ---------------------------------------------------------------------------------


@transaction.atomic
def linkage_run_create(
    *,
    project: Project,
    recorded_by: User,
    run_on: date,
    records_left: int,
    records_right: int,
    candidate_pairs: int,
    matches_accepted: int,
    sample_size: int,
    precision: Decimal,
    recall: Decimal,
    note: str = "",
) -> LinkageRun:
    if not project.officers.filter(pk=recorded_by.pk).exists():
        raise PermissionDenied
    errors = {}
    for name, value in (("precision", precision), ("recall", recall)):
        if not Decimal(0) <= value <= Decimal(1):
            errors[name] = f"{name.capitalize()} must be between 0 and 1"
    if sample_size > candidate_pairs:
        errors["sample_size"] = "The clerical review sample cannot be larger than the number of candidate pairs"
    if matches_accepted > candidate_pairs:
        errors["matches_accepted"] = "Matches accepted cannot be more than the number of candidate pairs"
    if run_on > timezone.localdate():
        errors["run_on"] = "The date of the run must be today or in the past"
    if errors:
        raise ValidationError(errors)
    run = LinkageRun(
        project=project,
        recorded_by=recorded_by,
        run_on=run_on,
        records_left=records_left,
        records_right=records_right,
        candidate_pairs=candidate_pairs,
        matches_accepted=matches_accepted,
        sample_size=sample_size,
        precision=precision,
        recall=recall,
        note=note,
    )
    run.full_clean()
    run.save()
    return run


# --- showcase ----------------------------------------------------------------------------------------


@transaction.atomic
def case_study_save(
    *,
    project: Project,
    actor: User,
    summary: str,
    what_was_linked: str,
    results: str,
    lessons: str,
    publish: bool,
) -> CaseStudy:
    if not can_edit_project(actor, project):
        raise PermissionDenied
    study = CaseStudy.objects.filter(project=project).first() or CaseStudy(project=project)
    study.summary = summary
    study.what_was_linked = what_was_linked
    study.results = results
    study.lessons = lessons
    if publish and study.published_at is None:
        study.published_at = timezone.now()
    elif not publish:
        study.published_at = None
    study.full_clean()
    study.save()
    return study
