"""Projects' parts of the Monday digest, registered from ProjectsConfig.ready() (docs/notifications.md).
Every builder gets all recipients of its role at once and runs a fixed number of queries.

- staff, per running cohort: status changes last week, overdue milestones, open blockers;
- mentors (the projects they lead): new logs last week, open blockers, logs waiting for a comment;
- officers: milestones due this week, last week's log;
- linkage quality (mentors for the projects they lead, staff per running cohort): runs whose counts
  wait for confirmation, and projects whose latest run's quality is not measured (self-reported,
  nothing reviewed, or counts rejected).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Prefetch
from django.urls import reverse

from accounts.models import User
from cohorts.models import Cohort
from common.formatting import format_date
from notifications.registry import DigestBlock, DigestItem, DigestWeek, register_digest_section

from . import weeks
from .models import LinkageRun, Milestone, ProgressLog, Project
from .selectors import reviewer_commented

LONDON = weeks.LONDON
BLOCKER_CHARS = 160
# A mentor's lists stop here, with a last line pointing to their mentees page for the rest.
MENTOR_LIST_LIMIT = 10


def _monday(week: DigestWeek) -> datetime:
    return datetime.combine(week.monday, time(0), tzinfo=LONDON)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= BLOCKER_CHARS else text[: BLOCKER_CHARS - 1].rstrip() + "…"


def _day(value) -> str:
    return format_date(value, "weekday,no_year")


def _log_url(log: ProgressLog) -> str:
    return reverse("projects:log_detail", kwargs={"pk": log.project_id, "log_pk": log.pk})


def _milestone_url(milestone: Milestone) -> str:
    return reverse("projects:milestone_detail", kwargs={"pk": milestone.project_id, "milestone_pk": milestone.pk})


def _status(logs: list[ProgressLog]) -> str:
    """A project's status is its latest log's (highest week, then newest), as projects.selectors says."""
    latest = max(logs, key=lambda log: (log.week_number, log.created_at, log.pk), default=None)
    return latest.rag_status if latest else ""


def _open_blockers(logs: list[ProgressLog]) -> list[ProgressLog]:
    """Each officer's latest log, if it names a blocker (it stays open until their next log)."""
    latest: dict[int, ProgressLog] = {}
    for log in sorted(logs, key=lambda log: (log.week_number, log.created_at, log.pk)):
        latest[log.officer_id] = log
    return [log for log in latest.values() if log.has_blockers]


# --- staff ----------------------------------------------------------------------------------------


@dataclass
class CohortProjects:
    cohort: Cohort
    projects: list[Project]


def _running_cohort_projects() -> list[CohortProjects]:
    """Running cohorts with their projects, each project's logs and milestones: four queries."""
    cohorts = list(Cohort.objects.filter(status=Cohort.Status.RUNNING).order_by("start_date", "name"))
    projects: dict[int, list[Project]] = {}
    for project in (
        Project.objects.filter(cohort__in=cohorts)
        .prefetch_related(
            Prefetch("logs", queryset=ProgressLog.objects.select_related("officer"), to_attr="all_logs"),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(state__in=Milestone.OPEN).order_by("due_on", "order", "pk"),
                to_attr="open_milestones",
            ),
        )
        .order_by("title")
    ):
        projects.setdefault(project.cohort_id, []).append(project)
    return [CohortProjects(cohort=cohort, projects=projects.get(cohort.pk, [])) for cohort in cohorts]


def _project_url(project: Project) -> str:
    return reverse("projects:project_detail", kwargs={"pk": project.pk})


def _status_changes(projects: list[Project], start: datetime, end: datetime) -> list[DigestItem]:
    """Projects whose status (red, amber, green) at the end of last week differs from the week
    before, judged from the logs written by then."""
    labels = dict(ProgressLog.RAG.choices)
    items = []
    for project in projects:
        before = _status([log for log in project.all_logs if log.created_at < start])
        after = _status([log for log in project.all_logs if log.created_at < end])
        if after and after != before:
            change = f"{labels[before]} to {labels[after]}" if before else f"{labels[after]} (first log)"
            items.append(DigestItem(text=f"{project.title}: {change}", url=_project_url(project)))
    return items


def _overdue(projects: list[Project], monday) -> list[DigestItem]:
    """Milestones not done whose due date is before the digest's Monday."""
    return [
        DigestItem(
            text=f"{project.title}: {milestone.title}, due {_day(milestone.due_on)}", url=_milestone_url(milestone)
        )
        for project in projects
        for milestone in project.open_milestones
        if milestone.due_on < monday
    ]


def _blockers(projects: list[Project]) -> list[DigestItem]:
    return [
        DigestItem(
            text=f"{project.title}, {log.officer.full_name} (week {log.week_number}): {_short(log.blockers)}",
            url=_log_url(log),
        )
        for project in projects
        for log in _open_blockers(project.all_logs)
    ]


def staff_project_progress(staff: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    """Per running cohort: status changes last week, overdue milestones, open blockers (four queries)."""
    end = _monday(week)
    start = end - timedelta(days=7)
    blocks = []
    for row in _running_cohort_projects():
        name = row.cohort.name
        blocks += [
            DigestBlock(title=f"{name}: status changes last week", items=_status_changes(row.projects, start, end)),
            DigestBlock(title=f"{name}: overdue milestones", items=_overdue(row.projects, week.monday)),
            DigestBlock(title=f"{name}: open blockers", items=_blockers(row.projects)),
        ]
    blocks = [block for block in blocks if block.items]
    return {user.pk: blocks for user in staff} if blocks else {}


# --- mentors --------------------------------------------------------------------------------------


def _log_items(logs: list[ProgressLog], describe) -> list[DigestItem]:
    """One line per log, the first MENTOR_LIST_LIMIT of them, then how many more there are."""
    items = [DigestItem(text=describe(log), url=_log_url(log)) for log in logs[:MENTOR_LIST_LIMIT]]
    if len(logs) > MENTOR_LIST_LIMIT:
        more = len(logs) - MENTOR_LIST_LIMIT
        items.append(DigestItem(text=f"and {more} more on your mentees page", url=reverse("projects:mentee_projects")))
    return items


def _who(log: ProgressLog) -> str:
    return f"{log.project.title}, {log.officer.full_name}"


def mentor_mentee_logs(mentors: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    """The projects each mentor leads in running cohorts: logs written last week, open blockers and
    logs nobody has commented on yet. One query for every mentor."""
    end = _monday(week)
    start = end - timedelta(days=7)
    logs: dict[int, list[ProgressLog]] = {}
    for log in (
        ProgressLog.objects.filter(project__lead_mentor__in=mentors, project__cohort__status=Cohort.Status.RUNNING)
        .select_related("project", "officer")
        .annotate(commented=reviewer_commented())
        .order_by("project__title", "week_number", "created_at", "pk")
    ):
        logs.setdefault(log.project.lead_mentor_id, []).append(log)
    result: dict[int, list[DigestBlock]] = {}
    for mentor_id, theirs in logs.items():
        by_project: dict[int, list[ProgressLog]] = {}
        for log in theirs:
            by_project.setdefault(log.project_id, []).append(log)
        new = [log for log in theirs if start <= log.created_at < end]
        blocked = [log for project_logs in by_project.values() for log in _open_blockers(project_logs)]
        waiting = [log for log in theirs if not log.commented]
        result[mentor_id] = [
            DigestBlock(
                title="Your mentees’ new logs",
                items=_log_items(
                    new, lambda log: f"{_who(log)}, week {log.week_number}: {log.get_rag_status_display()}"
                ),
            ),
            DigestBlock(
                title="Your mentees’ open blockers",
                items=_log_items(blocked, lambda log: f"{_who(log)} (week {log.week_number}): {_short(log.blockers)}"),
            ),
            DigestBlock(
                title="Logs waiting for your comment",
                items=_log_items(waiting, lambda log: f"{_who(log)}, week {log.week_number}"),
            ),
        ]
    return result


# --- officers -------------------------------------------------------------------------------------


def _officer_projects(officers: list[User]) -> dict[int, list[Project]]:
    """The projects of each officer in running cohorts, with their cohort: one query."""
    memberships = Project.officers.through.objects.filter(
        user__in=officers, project__cohort__status=Cohort.Status.RUNNING
    ).select_related("project__cohort")
    result: dict[int, list[Project]] = {}
    for membership in memberships.order_by("project__title"):
        result.setdefault(membership.user_id, []).append(membership.project)
    return result


def officer_milestones_due(officers: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    projects = _officer_projects(officers)
    project_ids = {project.pk for theirs in projects.values() for project in theirs}
    due: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(
        project_id__in=project_ids, state__in=Milestone.OPEN, due_on__range=(week.monday, week.sunday)
    ).order_by("due_on", "order", "pk"):
        due.setdefault(milestone.project_id, []).append(milestone)
    result = {}
    for officer_id, theirs in projects.items():
        items = [
            DigestItem(
                text=f"{milestone.title}, due {_day(milestone.due_on)}"
                + (f" ({project.title})" if len(theirs) > 1 else ""),
                url=_milestone_url(milestone),
            )
            for project in theirs
            for milestone in due.get(project.pk, [])
        ]
        if items:
            result[officer_id] = [DigestBlock(title="Milestones due this week", items=items)]
    return result


def officer_last_week_log(officers: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    """Each project's log for the project week before the digest's week: its status, or that it was
    not written (the week has closed by Monday)."""
    last_week_noon = datetime.combine(week.monday - timedelta(days=7), time(12), tzinfo=LONDON)
    projects = _officer_projects(officers)
    wanted: dict[tuple[int, int], int] = {}
    for officer_id, theirs in projects.items():
        for project in theirs:
            number = weeks.current_week(project.cohort, last_week_noon)
            if 1 <= number <= project.cohort.weeks:
                wanted[(project.pk, officer_id)] = number
    logs = {
        (log.project_id, log.officer_id, log.week_number): log
        for log in ProgressLog.objects.filter(
            project_id__in={project_id for project_id, _ in wanted},
            officer__in=officers,
            week_number__in=set(wanted.values()),
        ).annotate(comment_count=Count("comments"))
    }
    result = {}
    for officer_id, theirs in projects.items():
        items = []
        for project in theirs:
            number = wanted.get((project.pk, officer_id))
            if number is None:
                continue
            log = logs.get((project.pk, officer_id, number))
            if log is None:
                items.append(DigestItem(text=f"{project.title}, week {number}: no log written"))
            else:
                commented = "your mentor has commented" if log.comment_count else "no comment yet"
                items.append(
                    DigestItem(
                        text=f"{project.title}, week {number}: {log.get_rag_status_display()}, {commented}",
                        url=_log_url(log),
                    )
                )
        if items:
            result[officer_id] = [DigestBlock(title="Last week’s progress log", items=items)]
    return result


# --- linkage quality (mentors and staff) -------------------------------------------------------------


def _run_url(run: LinkageRun) -> str:
    return reverse("projects:project_detail", kwargs={"pk": run.project_id}) + "#quality"


def _why_not_measured(run: LinkageRun) -> str:
    """Why the latest run gives no measured precision, or "" when it does (confirmed or waiting)."""
    if run.quality == LinkageRun.Quality.SELF_REPORTED:
        return "self-reported figures, not measured"
    if run.quality == LinkageRun.Quality.REJECTED:
        return "counts rejected, not measured"
    if run.precision is None:
        return "no pairs reviewed yet, precision not measured"
    return ""


def _linkage_blocks(runs: list[LinkageRun], *, reviewer: User | None, prefix: str = "") -> list[DigestBlock]:
    """Runs waiting for confirmation (that `reviewer` may confirm, when given) and each project's latest
    run if its quality is not measured. `runs` come ordered by project, date and pk."""
    latest: dict[int, LinkageRun] = {}
    for run in runs:
        latest[run.project_id] = run
    waiting = [
        run
        for run in runs
        if run.quality == LinkageRun.Quality.WAITING and (reviewer is None or run.recorded_by_id != reviewer.pk)
    ]
    unmeasured = [(run, _why_not_measured(run)) for run in latest.values()]
    return [
        DigestBlock(
            title=f"{prefix}linkage runs waiting for confirmation" if prefix else "Linkage runs for you to confirm",
            items=[
                DigestItem(text=f"{run.project.title}, run on {_day(run.run_on)}", url=_run_url(run))
                for run in waiting[:MENTOR_LIST_LIMIT]
            ],
        ),
        DigestBlock(
            title=f"{prefix}linkage quality not measured" if prefix else "Your mentees’ linkage quality not measured",
            items=[
                DigestItem(text=f"{run.project.title}, run on {_day(run.run_on)}: {why}", url=_run_url(run))
                for run, why in unmeasured
                if why
            ][:MENTOR_LIST_LIMIT],
        ),
    ]


def _running_runs():
    return (
        LinkageRun.objects.filter(project__cohort__status=Cohort.Status.RUNNING)
        .select_related("project")
        .order_by("project__title", "project_id", "run_on", "pk")
    )


def mentor_linkage_quality(mentors: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    """The projects each mentor leads in running cohorts. One query for every mentor. A mentor who is
    also an officer on the project is left out of its confirmations (four eyes)."""
    runs: dict[int, list[LinkageRun]] = {}
    officer_on = set(Project.officers.through.objects.filter(user__in=mentors).values_list("user_id", "project_id"))
    for run in _running_runs().filter(project__lead_mentor__in=mentors):
        runs.setdefault(run.project.lead_mentor_id, []).append(run)
    by_id = {mentor.pk: mentor for mentor in mentors}
    result = {}
    for mentor_id, theirs in runs.items():
        mine = [run for run in theirs if (mentor_id, run.project_id) not in officer_on]
        blocks = [block for block in _linkage_blocks(mine, reviewer=by_id[mentor_id]) if block.items]
        if blocks:
            result[mentor_id] = blocks
    return result


def staff_linkage_quality(staff: list[User], week: DigestWeek) -> dict[int, list[DigestBlock]]:
    """Per running cohort: runs waiting for confirmation and projects whose quality is not measured. One
    query for every member of staff."""
    by_cohort: dict[int, list[LinkageRun]] = {}
    names: dict[int, str] = {}
    for run in (
        _running_runs()
        .select_related("project__cohort")
        .order_by(
            "project__cohort__start_date", "project__cohort__name", "project__title", "project_id", "run_on", "pk"
        )
    ):
        by_cohort.setdefault(run.project.cohort_id, []).append(run)
        names[run.project.cohort_id] = run.project.cohort.name
    blocks = [
        block
        for cohort_id, runs in by_cohort.items()
        for block in _linkage_blocks(runs, reviewer=None, prefix=f"{names[cohort_id]}: ")
        if block.items
    ]
    return {user.pk: blocks for user in staff} if blocks else {}


register_digest_section(name="staff_project_progress", role="programme_staff", build=staff_project_progress, order=40)
register_digest_section(name="mentor_mentee_logs", role="mentor", build=mentor_mentee_logs, order=10)
register_digest_section(name="officer_milestones_due", role="officer", build=officer_milestones_due, order=20)
register_digest_section(name="officer_last_week_log", role="officer", build=officer_last_week_log, order=30)
register_digest_section(name="mentor_linkage_quality", role="mentor", build=mentor_linkage_quality, order=15)
register_digest_section(name="staff_linkage_quality", role="programme_staff", build=staff_linkage_quality, order=45)
