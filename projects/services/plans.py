"""Milestone plans: the programme's template, a cohort's own copy, and due dates from the schedule."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort, TrainingSession

from .. import weeks
from ..models import (
    Milestone,
    MilestoneTemplate,
    Project,
)


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
