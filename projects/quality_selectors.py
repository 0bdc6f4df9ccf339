"""Reads about linkage quality, scoped as `projects.selectors` says (re-exported from there)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User
from cohorts.models import Cohort

from .models import LinkageRun, Project


def _latest_run_only(qs: QuerySet[LinkageRun]) -> QuerySet[LinkageRun]:
    """Each project's latest run among `qs` (by date, then the later record): no later one in `qs`."""
    later = qs.filter(project=OuterRef("project")).filter(
        Q(run_on__gt=OuterRef("run_on")) | Q(run_on=OuterRef("run_on"), pk__gt=OuterRef("pk"))
    )
    return qs.filter(~Exists(later))


def latest_confirmed_runs(project_ids) -> dict[int, LinkageRun]:
    """For the showcase: each project's latest run whose measured counts someone else confirmed. One query."""
    confirmed = LinkageRun.objects.filter(quality=LinkageRun.Quality.CONFIRMED)
    return {run.project_id: run for run in _latest_run_only(confirmed.filter(project_id__in=project_ids))}


@dataclass
class MentorLinkage:
    """The mentor's view of their mentees' linkage quality."""

    latest: list[LinkageRun]  # each project's latest run, whatever its basis
    waiting: list[LinkageRun]  # runs waiting for this mentor to confirm their counts
    without_runs: list[Project]


def mentor_linkage(mentor: User) -> MentorLinkage:
    """Three queries, however many projects and runs."""
    runs = LinkageRun.objects.filter(project__lead_mentor=mentor).select_related("project")
    latest = list(_latest_run_only(runs).order_by("project__title", "project_id"))
    waiting = list(
        runs.filter(quality=LinkageRun.Quality.WAITING)
        .exclude(recorded_by=mentor)
        .exclude(project__in=Project.officers.through.objects.filter(user=mentor).values("project_id"))
        .order_by("created_at", "pk")
    )
    without = list(
        Project.objects.filter(lead_mentor=mentor, cohort__status=Cohort.Status.RUNNING)
        .filter(~Exists(LinkageRun.objects.filter(project=OuterRef("pk"))))
        .order_by("title")
    )
    return MentorLinkage(latest=latest, waiting=waiting, without_runs=without)


@dataclass
class QualityCounts:
    """Projects with linkage runs in a period, by what their figures rest on. `confirmed`: projects with
    a run whose measured counts someone else confirmed (judged by the latest such run, as the showcase
    shows it). The rest, with no confirmed run, by their latest run: waiting, rejected, self-reported.
    Only `confirmed` counts as measured."""

    confirmed: int = 0
    confirmed_with_precision: int = 0
    confirmed_with_recall: int = 0
    confirmed_with_f1: int = 0
    waiting: int = 0
    rejected: int = 0
    self_reported: int = 0

    @property
    def not_measured(self) -> int:
        return self.waiting + self.rejected + self.self_reported

    @property
    def total(self) -> int:
        return self.confirmed + self.not_measured


def linkage_quality_counts(runs_in_period: Q) -> QualityCounts:
    """Projects counted once each among the runs `runs_in_period` selects. Two queries."""
    runs = LinkageRun.objects.filter(runs_in_period)
    confirmed_runs = runs.filter(quality=LinkageRun.Quality.CONFIRMED)
    precision, recall = Q(sample_size__gt=0), Q(truth_set_size__isnull=False)
    measured = _latest_run_only(confirmed_runs).aggregate(
        confirmed=Count("pk"),
        confirmed_with_precision=Count("pk", filter=precision),
        confirmed_with_recall=Count("pk", filter=recall),
        confirmed_with_f1=Count("pk", filter=precision & recall),
    )
    others = (
        _latest_run_only(runs)
        .exclude(project__in=confirmed_runs.values("project_id"))
        .aggregate(
            waiting=Count("pk", filter=Q(quality=LinkageRun.Quality.WAITING)),
            rejected=Count("pk", filter=Q(quality=LinkageRun.Quality.REJECTED)),
            self_reported=Count("pk", filter=Q(quality=LinkageRun.Quality.SELF_REPORTED)),
        )
    )
    return QualityCounts(**measured, **others)
