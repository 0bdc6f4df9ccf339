from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Role, has_role
from cohorts.models import Cohort
from common.listing import FirstRows, first_rows

from .models import CaseStudy, IGCheck, IGCheckEvent, LinkageRun, LogComment, Milestone, ProgressLog, Project
from .quality_selectors import (  # noqa: F401  (re-exported: every read is reachable from projects.selectors)
    MentorLinkage,
    QualityCounts,
    latest_confirmed_runs,
    linkage_quality_counts,
    mentor_linkage,
)


def projects_visible_to(user: User) -> QuerySet[Project]:
    """Staff see every project; a mentor the projects they lead; an officer the projects they are on."""
    qs = Project.objects.select_related("cohort", "lead_mentor")
    if has_role(user, Role.STAFF):
        return qs
    allowed = Q(pk__in=[])
    if has_role(user, Role.MENTOR):
        allowed |= Q(lead_mentor=user)
    if has_role(user, Role.OFFICER):
        allowed |= Q(pk__in=Project.officers.through.objects.filter(user=user).values("project_id"))
    return qs.filter(allowed)


def _summary_lookups() -> list[Prefetch]:
    return [
        Prefetch("officers", queryset=User.objects.select_related("organisation").order_by("full_name")),
        Prefetch("milestones", queryset=Milestone.objects.order_by("order", "due_week", "pk")),
        Prefetch("ig_checks", queryset=IGCheck.objects.order_by("kind")),
        Prefetch(
            "logs",
            queryset=ProgressLog.objects.select_related("officer").order_by("week_number", "created_at", "pk"),
            to_attr="logs_in_order",
        ),
    ]


def _with_summary_data(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.prefetch_related(*_summary_lookups())


@dataclass
class ProjectSummary:
    """The figures every role sees for a project, worked out from prefetched rows (no extra queries)."""

    project: Project
    today: date
    officers: list[User] = field(init=False)
    milestones: list[Milestone] = field(init=False)
    ig_checks: list[IGCheck] = field(init=False)
    logs: list[ProgressLog] = field(init=False)

    def __post_init__(self) -> None:
        self.officers = list(self.project.officers.all())
        self.milestones = list(self.project.milestones.all())
        for milestone in self.milestones:
            milestone.overdue = milestone.is_overdue_on(self.today)
        self.ig_checks = list(self.project.ig_checks.all())
        self.logs = list(self.project.logs_in_order)

    @property
    def organisations(self) -> list[str]:
        return sorted({str(officer.organisation) for officer in self.officers if officer.organisation})

    @property
    def latest_log(self) -> ProgressLog | None:
        return self.logs[-1] if self.logs else None

    @property
    def status(self) -> str:
        """The project's current status is its latest log's."""
        return self.latest_log.rag_status if self.latest_log else ""

    @property
    def status_label(self) -> str:
        return self.latest_log.get_rag_status_display() if self.latest_log else "No logs yet"

    @property
    def last_log(self) -> date | None:
        return timezone.localtime(self.latest_log.updated_at).date() if self.latest_log else None

    @property
    def milestones_done(self) -> int:
        return sum(m.state in (Milestone.State.DONE, Milestone.State.SIGNED_OFF) for m in self.milestones)

    @property
    def milestones_total(self) -> int:
        return len(self.milestones)

    @property
    def overdue(self) -> list[Milestone]:
        return [m for m in self.milestones if m.overdue]

    @property
    def open_blockers(self) -> list[ProgressLog]:
        """A blocker stays open until the officer's next log: count each officer's latest log with blockers."""
        latest: dict[int, ProgressLog] = {}
        for log in self.logs:
            latest[log.officer_id] = log
        return [log for log in latest.values() if log.has_blockers]

    @property
    def open_blocker_count(self) -> int:
        return len(self.open_blockers)

    @property
    def ig_settled(self) -> bool:
        return all(check.is_settled for check in self.ig_checks)

    @property
    def ig_label(self) -> str:
        """Only confirmed checks count (four eyes); a claim waiting for confirmation does not."""
        settled = sum(check.is_settled for check in self.ig_checks)
        if settled == len(self.ig_checks):
            return "All confirmed"
        waiting = sum(check.is_waiting for check in self.ig_checks)
        label = f"{settled} of {len(self.ig_checks)} confirmed"
        return f"{label}, {waiting} waiting for confirmation" if waiting else label

    @property
    def status_history(self) -> list[dict]:
        """The project's status week by week (its latest log in each week), keeping only the changes."""
        by_week: dict[int, ProgressLog] = {}
        for log in self.logs:
            by_week[log.week_number] = log
        history, previous = [], None
        for week, log in sorted(by_week.items()):
            if log.rag_status != previous:
                history.append({"week": week, "status": log.rag_status, "first": previous is None})
            previous = log.rag_status
        return history


def project_summaries(qs: QuerySet[Project], *, today: date | None = None) -> list[ProjectSummary]:
    today = today or timezone.localdate()
    return [ProjectSummary(project, today) for project in _with_summary_data(qs)]


STATUS_FILTERS = [("", "Any status"), *ProgressLog.RAG.choices, ("none", "No logs yet")]


def cohort_projects(
    *, cohort: Cohort, organisation_slug: str = "", status: str = "", overdue: bool = False
) -> list[ProjectSummary]:
    """All projects in a cohort, for programme staff, filtered by an officer's organisation, current status
    and whether any milestone is overdue."""
    qs = Project.objects.filter(cohort=cohort).select_related("cohort", "lead_mentor").order_by("title")
    if organisation_slug:
        qs = qs.filter(
            pk__in=Project.officers.through.objects.filter(user__organisation__slug=organisation_slug).values(
                "project_id"
            )
        )
    rows = project_summaries(qs)
    if status == "none":
        rows = [row for row in rows if not row.status]
    elif status:
        rows = [row for row in rows if row.status == status]
    if overdue:
        rows = [row for row in rows if row.overdue]
    return rows


# --- figures worked out in SQL, for lists that grow with a programme's history ---------------------------


def _per_project(qs: QuerySet) -> Subquery:
    """How many rows of `qs` (already filtered to OuterRef("pk")) a project has, as one SQL subquery."""
    counted = qs.order_by().values("project").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _latest_log() -> QuerySet[ProgressLog]:
    return ProgressLog.objects.filter(project=OuterRef("pk")).order_by("-week_number", "-created_at", "-pk")


def _open_blockers() -> QuerySet[ProgressLog]:
    """As ProjectSummary.open_blockers: each officer's latest log on the project, where it names a blocker.
    One log per officer per week, so an officer's latest log is the one with no later week."""
    later = ProgressLog.objects.filter(
        project=OuterRef("project"), officer=OuterRef("officer"), week_number__gt=OuterRef("week_number")
    )
    return ProgressLog.objects.filter(project=OuterRef("pk")).exclude(blockers__regex=r"^\s*$").filter(~Exists(later))


def _overdue(today: date) -> QuerySet[Milestone]:
    return Milestone.objects.filter(project=OuterRef("pk"), state__in=Milestone.OPEN, due_on__lt=today)


def with_figures(qs: QuerySet[Project], *, today: date) -> QuerySet[Project]:
    """Each project's list figures as annotations: status and date of its latest log, milestones done
    and in all, whether any is overdue, open blockers, IG checks settled. No log or milestone is loaded."""
    milestones = Milestone.objects.filter(project=OuterRef("pk"))
    checks = IGCheck.objects.filter(project=OuterRef("pk"))
    return qs.annotate(
        latest_status=Subquery(_latest_log().values("rag_status")[:1]),
        latest_updated_at=Subquery(_latest_log().values("updated_at")[:1]),
        milestones_total=_per_project(milestones),
        milestones_done=_per_project(milestones.filter(state__in=[Milestone.State.DONE, Milestone.State.SIGNED_OFF])),
        has_overdue=Exists(_overdue(today)),
        open_blocker_count=_per_project(_open_blockers()),
        ig_total=_per_project(checks),
        # Four eyes: only a check someone other than the project's officers confirmed counts (as is_settled).
        ig_settled_count=_per_project(checks.filter(confirmation=IGCheck.Confirmation.CONFIRMED)),
        ig_waiting_count=_per_project(checks.filter(confirmation=IGCheck.Confirmation.WAITING)),
    )


@dataclass
class OverdueMilestone:
    title: str


@dataclass
class ProjectRow:
    """A project's line in a list: the same names as ProjectSummary, worked out in SQL (with_figures)."""

    project: Project
    organisations: list[str]
    overdue: list[OverdueMilestone]

    @property
    def status(self) -> str:
        return self.project.latest_status or ""

    @property
    def last_log(self) -> date | None:
        updated = self.project.latest_updated_at
        return timezone.localtime(updated).date() if updated else None

    @property
    def milestones_done(self) -> int:
        return self.project.milestones_done

    @property
    def milestones_total(self) -> int:
        return self.project.milestones_total

    @property
    def open_blocker_count(self) -> int:
        return self.project.open_blocker_count

    @property
    def ig_settled(self) -> bool:
        return self.project.ig_settled_count == self.project.ig_total

    @property
    def ig_label(self) -> str:
        """As ProjectSummary.ig_label: only confirmed checks count; a claim waiting for confirmation does not."""
        if self.ig_settled:
            return "All confirmed"
        label = f"{self.project.ig_settled_count} of {self.project.ig_total} confirmed"
        waiting = self.project.ig_waiting_count
        return f"{label}, {waiting} waiting for confirmation" if waiting else label


def project_rows(qs: QuerySet[Project], *, today: date | None = None, limit: int | None = None) -> list[ProjectRow]:
    """List lines for many projects (the first `limit` of them) in three queries, building one model
    instance per project (plus its cohort and lead mentor), however many logs, milestones and checks
    they have."""
    today = today or timezone.localdate()
    return rows_for(list(with_figures(qs, today=today)[:limit]), today=today)


def rows_for(projects: list[Project], *, today: date) -> list[ProjectRow]:
    """List lines for projects already annotated by `with_figures` (a page of a list): two queries."""
    ids = [project.pk for project in projects]
    organisations: dict[int, set[str]] = {}
    for project_id, name in (
        Project.officers.through.objects.filter(project_id__in=ids, user__organisation__isnull=False)
        .values_list("project_id", "user__organisation__name")
        .distinct()
    ):
        organisations.setdefault(project_id, set()).add(name)
    overdue: dict[int, list[OverdueMilestone]] = {}
    if any(project.has_overdue for project in projects):
        for project_id, title in (
            Milestone.objects.filter(project_id__in=ids, state__in=Milestone.OPEN, due_on__lt=today)
            .order_by("order", "due_week", "pk")
            .values_list("project_id", "title")
        ):
            overdue.setdefault(project_id, []).append(OverdueMilestone(title))
    return [
        ProjectRow(
            project=project,
            organisations=sorted(organisations.get(project.pk, ())),
            overdue=overdue.get(project.pk, []),
        )
        for project in projects
    ]


@dataclass
class CohortProjectsOverview:
    cohort: Cohort
    projects: int
    red: int
    with_overdue: int
    open_blockers: int


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def running_cohorts_overview(*, today: date | None = None, limit: int | None = None) -> FirstRows:
    """For the staff home page: running cohorts' projects at a glance, the first `limit` cohorts (that
    have projects) by start, and how many there are. Two queries whatever the size: the figures are
    summed in SQL, only for the cohorts shown, and no project, log or milestone is loaded."""
    today = today or timezone.localdate()
    with_projects = Cohort.objects.filter(
        Exists(Project.objects.filter(cohort=OuterRef("pk"))), status=Cohort.Status.RUNNING
    ).order_by("start_date", "name", "pk")
    if limit is None:
        cohorts = list(with_projects)
        total = len(cohorts)
    else:
        first = first_rows(with_projects, limit)
        cohorts, total = first.rows, first.total
    figures = {
        row["cohort_id"]: row
        for row in with_figures(Project.objects.filter(cohort__in=[cohort.pk for cohort in cohorts]), today=today)
        .order_by()
        .values("cohort_id")
        .annotate(
            projects=Count("pk"),
            red=Sum(_flag(Q(latest_status=ProgressLog.RAG.RED))),
            with_overdue=Sum(_flag(Q(has_overdue=True))),
            open_blockers=Sum("open_blocker_count"),
        )
    }
    rows = [
        CohortProjectsOverview(
            cohort=cohort,
            projects=figures[cohort.pk]["projects"],
            red=figures[cohort.pk]["red"],
            with_overdue=figures[cohort.pk]["with_overdue"],
            open_blockers=figures[cohort.pk]["open_blockers"],
        )
        for cohort in cohorts
    ]
    return FirstRows(rows=rows, total=total)


def mentor_projects(mentor: User, *, limit: int | None = None) -> FirstRows:
    """The mentor's mentees' projects (those they lead, newest cohort first), with figures worked out in SQL."""
    qs = (
        Project.objects.filter(lead_mentor=mentor)
        .select_related("cohort", "lead_mentor")
        .order_by("-cohort__start_date", "title")
    )
    today = timezone.localdate()
    if limit is None:
        rows = project_rows(qs, today=today)
        return FirstRows(rows=rows, total=len(rows))
    first = first_rows(with_figures(qs, today=today), limit)
    return FirstRows(rows=rows_for(first.rows, today=today), total=first.total)


def reviewer_commented() -> Exists:
    """Whether anyone but the log's own officer (a mentor or staff) has commented on the log."""
    return Exists(LogComment.objects.filter(log=OuterRef("pk")).exclude(author=OuterRef("officer")))


def logs_awaiting_comment(mentor: User) -> QuerySet[ProgressLog]:
    """Logs on the mentor's projects that no mentor or staff member has commented on yet, oldest first.
    The officer's own reply in the thread does not count."""
    return (
        ProgressLog.objects.filter(project__lead_mentor=mentor)
        .filter(~reviewer_commented())
        .select_related("project", "officer")
        .order_by("created_at", "pk")
    )


def logs_awaiting_comment_first(mentor: User, *, limit: int) -> FirstRows:
    return first_rows(logs_awaiting_comment(mentor), limit)


def officer_projects(officer: User) -> list[ProjectSummary]:
    return project_summaries(
        Project.objects.filter(pk__in=Project.officers.through.objects.filter(user=officer).values("project_id"))
        .select_related("cohort", "lead_mentor")
        .order_by("-cohort__start_date", "title")
    )


def project_summary(project: Project) -> ProjectSummary:
    """The summary of a project already read (with its cohort and lead mentor): its officers, milestones,
    checks and logs are fetched onto it. One holding rows read before is read afresh, so figures are current."""
    if getattr(project, "_prefetched_objects_cache", None) or hasattr(project, "logs_in_order"):
        project = Project.objects.select_related("cohort", "lead_mentor").get(pk=project.pk)
    prefetch_related_objects([project], *_summary_lookups())
    return ProjectSummary(project, timezone.localdate())


def project_logs(summary: ProjectSummary) -> list[ProgressLog]:
    """The project's logs newest week first, with their comments: the summary's logs, not read again."""
    logs = sorted(summary.logs, key=lambda log: (-log.week_number, log.officer.full_name.casefold(), log.pk))
    prefetch_related_objects(logs, Prefetch("comments", queryset=LogComment.objects.select_related("author")))
    return logs


def log_visible_to(user: User, project_pk: int, log_pk: int) -> QuerySet[ProgressLog]:
    return ProgressLog.objects.filter(
        pk=log_pk, project_id=project_pk, project__in=projects_visible_to(user)
    ).select_related("project__cohort", "project__lead_mentor", "officer")


def log_thread(log: ProgressLog) -> list[LogComment]:
    return list(log.comments.select_related("author"))


def linkage_runs(project: Project) -> list[LinkageRun]:
    return list(project.linkage_runs.order_by("run_on", "pk"))


def published_case_studies() -> QuerySet[CaseStudy]:
    """Every signed-in user may read published case studies."""
    return (
        CaseStudy.objects.filter(published_at__isnull=False)
        .select_related("project__cohort")
        .prefetch_related(
            Prefetch("project__officers", queryset=User.objects.select_related("organisation").order_by("full_name"))
        )
        .order_by("-published_at")
    )


def ig_checks_waiting(user: User) -> QuerySet[IGCheck]:
    """Staff's queue: claims waiting for confirmation that this person may confirm (not on projects they
    are an officer on, not evidence they recorded), oldest first."""
    if not has_role(user, Role.STAFF):
        return IGCheck.objects.none()
    return (
        IGCheck.objects.filter(confirmation=IGCheck.Confirmation.WAITING)
        .exclude(project__in=Project.officers.through.objects.filter(user=user).values("project_id"))
        .exclude(recorded_by=user)
        .select_related("project__cohort", "recorded_by")
        .order_by("recorded_at", "pk")
    )


def ig_history(project: Project) -> list[IGCheckEvent]:
    """Every change to the project's IG checks, newest first."""
    return list(IGCheckEvent.objects.filter(ig_check__project=project).select_related("actor").order_by("-at", "-pk"))


# --- lists for the API (api/): every row belongs to a project the person may see ---


def milestones_visible_to(user: User) -> QuerySet[Milestone]:
    return (
        Milestone.objects.filter(project__in=projects_visible_to(user))
        .select_related("project")
        .order_by("project_id", "order", "due_week", "pk")
    )


def progress_logs_visible_to(user: User) -> QuerySet[ProgressLog]:
    """As log_visible_to: the logs of the projects the person may see."""
    return (
        ProgressLog.objects.filter(project__in=projects_visible_to(user))
        .select_related("project", "officer")
        .order_by("project_id", "week_number", "pk")
    )


def linkage_runs_visible_to(user: User) -> QuerySet[LinkageRun]:
    return (
        LinkageRun.objects.filter(project__in=projects_visible_to(user))
        .select_related("project")
        .order_by("project_id", "run_on", "pk")
    )
