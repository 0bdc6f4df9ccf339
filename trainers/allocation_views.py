"""Suggested allocations (staff): propose, show with reasons, confirm in one form. The proposal is
the result of a POST and is never saved; only the confirm POST writes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import staff_required
from cohorts import selectors as cohort_selectors
from mentoring.services import ALLOCATION_SUMMARY_KEY

from . import allocations, forms, services


def _formsets(proposal: allocations.Proposal, data=None):
    mentor_choices = [(offer.mentor.pk, offer.mentor.full_name) for offer in proposal.mentors]
    project_choices = [(line.project.pk, line.project.title) for line in proposal.mentor_lines]
    projects = forms.ProjectMentorFormSet(
        data,
        prefix="project",
        keys=[line.project.pk for line in proposal.mentor_lines],
        initial=[
            {"key": line.project.pk, "choice": line.mentor.pk if line.mentor else None}
            for line in proposal.mentor_lines
        ],
        form_kwargs={
            "choices": mentor_choices,
            "empty_label": "No lead mentor",
            "labels": {line.project.pk: line.project.title for line in proposal.mentor_lines},
        },
    )
    teams = forms.TeamFormSet(
        data,
        prefix="team",
        keys=[line.officer.pk for line in proposal.team_lines],
        initial=[
            {"key": line.officer.pk, "choice": line.project.pk if line.project else None}
            for line in proposal.team_lines
        ],
        form_kwargs={
            "choices": project_choices,
            "empty_label": "No project yet",
            "labels": {line.officer.pk: line.officer.full_name for line in proposal.team_lines},
        },
    )
    return projects, teams


def _page(request, cohort, proposal, projects, teams, status=200):
    return render(
        request,
        "trainers/allocations_proposal.html",
        {
            "cohort": cohort,
            "proposal": proposal,
            "project_rows": list(zip(proposal.mentor_lines, projects.forms, strict=False)),
            "team_rows": list(zip(proposal.team_lines, teams.forms, strict=False)),
            "projects": projects,
            "teams": teams,
            "criteria": allocations,
        },
        status=status,
    )


@staff_required
@require_POST
def allocations_suggest(request, slug: str):
    cohort = get_object_or_404(cohort_selectors.cohort_list(), slug=slug)
    proposal = allocations.suggest_allocations(cohort)
    projects, teams = _formsets(proposal)
    return _page(request, cohort, proposal, projects, teams)


@staff_required
@require_POST
def allocations_confirm(request, slug: str):
    cohort = get_object_or_404(cohort_selectors.cohort_list(), slug=slug)
    proposal = allocations.suggest_allocations(cohort)
    projects, teams = _formsets(proposal, data=request.POST)
    if projects.is_valid() and teams.is_valid():
        try:
            changes = services.allocations_confirm(
                cohort=cohort, project_mentors=projects.choices(), teams=teams.choices(), actor=request.user
            )
        except ValidationError as exc:
            projects._non_form_errors = projects.error_class(exc.messages)
        else:
            request.session[ALLOCATION_SUMMARY_KEY] = changes
            messages.success(
                request,
                f"Allocations confirmed for {cohort.name}: {len(changes)} change{'s' if len(changes) != 1 else ''}.",
            )
            return redirect(f"{reverse('mentoring:allocations')}?cohort={cohort.slug}")
    return _page(request, cohort, proposal, projects, teams, status=400)
