"""Projects' reminders, registered with notifications from ProjectsConfig.ready() (docs/notifications.md).
Both are optional nudges, so people can switch them off.

- `milestone:`: a milestone due in 3 days (09:00 London, to the project's officers) and, once,
  overdue (09:00 London the day after its due date, to the officers and the lead mentor). Gone when
  the milestone is marked done or signed off; the key holds the due date, so a moved date cancels
  the old reminders and writes new ones.
- `log-missing:`: at 17:00 London on a training day (or when the session ends, if later), each
  officer on a project with no log for that project week. Gone when they write it, when the session
  is cancelled, or when the week has closed.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cohorts.models import Cohort, Enrolment, TrainingSession
from common.site import absolute_url
from notifications.registry import MessageSpec, register_kind, register_reminder_source

from . import weeks
from .models import Milestone, ProgressLog, Project

LONDON = weeks.LONDON
MILESTONE_REMINDER_AT = time(9, 0)
MILESTONE_DUE_DAYS_BEFORE = 3
# Reminders are written a few days before they are due and wait in the outbox.
LOOKAHEAD = timedelta(days=3)
# An overdue reminder is only written for milestones that fell due this recently, so turning the
# feature on does not mail everyone about every milestone missed earlier in the cohort.
OVERDUE_WINDOW_DAYS = 7
LOG_MISSING_AT = time(17, 0)

MILESTONE_KIND = register_kind(
    "milestone_reminder",
    "Milestone reminders",
    optional=True,
    description="Three days before a milestone is due, and once when it is overdue.",
)
LOG_MISSING_KIND = register_kind(
    "weekly_log_missing",
    "Weekly log reminders",
    optional=True,
    description="At the end of a training day, if you have not written that week's progress log.",
)


def milestone_due_send_after(due_on: date) -> datetime:
    return datetime.combine(due_on - timedelta(days=MILESTONE_DUE_DAYS_BEFORE), MILESTONE_REMINDER_AT, tzinfo=LONDON)


def milestone_overdue_send_after(due_on: date) -> datetime:
    return datetime.combine(due_on + timedelta(days=1), MILESTONE_REMINDER_AT, tzinfo=LONDON)


def log_missing_send_after(session: TrainingSession) -> datetime:
    day = timezone.localtime(session.starts_at, LONDON).date()
    return max(datetime.combine(day, LOG_MISSING_AT, tzinfo=LONDON), session.ends_at)


def _active_officers():
    return Prefetch("project__officers", queryset=User.objects.filter(is_active=True).order_by("pk"))


def milestone_reminders(now: datetime) -> Iterator[MessageSpec]:
    today = timezone.localtime(now, LONDON).date()
    latest_due = today + LOOKAHEAD + timedelta(days=MILESTONE_DUE_DAYS_BEFORE)
    milestones = (
        Milestone.objects.filter(
            state__in=Milestone.OPEN,
            project__cohort__status=Cohort.Status.RUNNING,
            due_on__gte=today - timedelta(days=OVERDUE_WINDOW_DAYS),
            due_on__lte=latest_due,
        )
        .select_related("project__lead_mentor", "project__cohort")
        .prefetch_related(_active_officers())
        .order_by("due_on", "pk")
    )
    for milestone in milestones:
        project = milestone.project
        url = absolute_url(
            reverse("projects:milestone_detail", kwargs={"pk": project.pk, "milestone_pk": milestone.pk})
        )
        key = f"milestone:{milestone.pk}:{milestone.due_on:%Y%m%d}"
        officers = list(project.officers.all())
        context = {"milestone": milestone, "project": project, "url": url}
        if milestone.due_on >= today:
            for officer in officers:
                yield MessageSpec(
                    dedup_key=f"{key}:due:{officer.pk}",
                    to_email=officer.email,
                    recipient=officer,
                    kind=MILESTONE_KIND.name,
                    template="projects_milestone_due",
                    context={**context, "person": officer},
                    send_after=milestone_due_send_after(milestone.due_on),
                )
        if milestone_overdue_send_after(milestone.due_on) > now + LOOKAHEAD:
            continue
        mentor = project.lead_mentor
        people = officers + ([mentor] if mentor is not None and mentor.is_active else [])
        for person in people:
            yield MessageSpec(
                dedup_key=f"{key}:overdue:{person.pk}",
                to_email=person.email,
                recipient=person,
                kind=MILESTONE_KIND.name,
                template="projects_milestone_overdue",
                context={**context, "person": person, "is_mentor": person is mentor},
                send_after=milestone_overdue_send_after(milestone.due_on),
            )


def log_missing_reminders(now: datetime) -> Iterator[MessageSpec]:
    """A fixed number of queries: sessions, projects with their officers, enrolments, logs."""
    sessions = []
    for session in TrainingSession.objects.filter(
        cohort__status=Cohort.Status.RUNNING,
        is_cancelled=False,
        starts_at__gte=now - timedelta(days=7),
        starts_at__lte=now + LOOKAHEAD,
    ).select_related("cohort"):
        week = weeks.current_week(session.cohort, session.starts_at)
        if 1 <= week <= session.cohort.weeks and weeks.week_ends_at(session.cohort, week) > now:
            sessions.append((session, week))
    if not sessions:
        return
    cohort_ids = {session.cohort_id for session, _ in sessions}
    projects: dict[int, list[Project]] = {}
    for project in Project.objects.filter(cohort_id__in=cohort_ids).prefetch_related(
        Prefetch("officers", queryset=User.objects.filter(is_active=True).order_by("pk"))
    ):
        projects.setdefault(project.cohort_id, []).append(project)
    streams = {
        (enrolment.cohort_id, enrolment.officer_id): enrolment.stream
        for enrolment in Enrolment.objects.filter(
            cohort_id__in=cohort_ids, status__in=[Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED]
        ).select_related("stream")
    }
    written = set(
        ProgressLog.objects.filter(
            project__cohort_id__in=cohort_ids, week_number__in={week for _, week in sessions}
        ).values_list("project_id", "officer_id", "week_number")
    )
    for session, week in sessions:
        send_after = log_missing_send_after(session)
        day = timezone.localtime(session.starts_at, LONDON).strftime("%Y%m%d")
        for project in projects.get(session.cohort_id, []):
            url = absolute_url(reverse("projects:log_create", kwargs={"pk": project.pk}))
            for officer in project.officers.all():
                key = (session.cohort_id, officer.pk)
                if key not in streams or (project.pk, officer.pk, week) in written:
                    continue
                stream = streams[key]
                if stream is not None and not stream.covers(session.week_number):
                    continue
                yield MessageSpec(
                    dedup_key=f"log-missing:{session.pk}:{day}:{project.pk}:{officer.pk}",
                    to_email=officer.email,
                    recipient=officer,
                    kind=LOG_MISSING_KIND.name,
                    template="projects_log_missing",
                    context={
                        "officer": officer,
                        "project": project,
                        "session": session,
                        "week_number": week,
                        "closes_at": weeks.week_ends_at(session.cohort, week) - timedelta(minutes=1),
                        "url": url,
                    },
                    send_after=send_after,
                )


register_reminder_source(name="projects_milestone", dedup_prefix="milestone:", collect=milestone_reminders)
register_reminder_source(name="projects_log_missing", dedup_prefix="log-missing:", collect=log_missing_reminders)
