"""A programme's whole history at once, for `manage.py seed_scale` and benchmarks/pages.py: the data set
issue 16 measured (per factor of 1: 100 cohorts of 15 officers, 40 finished and 60 running, 750
projects, about 20,000 progress logs, 10,000 bookings over 20 mentors, about 14,000 attendance marks,
600 graduations, 20,000 sent outbox messages, and a recruiting cohort with 200 applications).

Written with bulk_create in a few dozen statements, so a factor of 1 takes seconds. It goes on top
of `seed_demo` (the demo mentors are three of the 20 mentors, so the demo sign-ins see history at
scale). Rows are written directly, not through services: this is test data, and every row still
carries who and when as the services would (enrolment events, recorded_by, created_at)."""

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Organisation, User
from cohorts.models import Attendance, Cohort, Enrolment, EnrolmentEvent, TrainingSession
from mentoring.models import Booking, MentorAllocation, MentorProfile
from notifications.models import Message
from projects.models import IGCheck, LogComment, Milestone, MilestoneTemplate, ProgressLog, Project
from trainers.models import Graduation

LONDON = ZoneInfo("Europe/London")
SLUG_PREFIX = "scale-"
BATCH = 2000
OFFICERS_PER_COHORT = 15
PROJECTS_PER_COHORT = 7.5
OFFICERS_PER_PROJECT = 3
MENTORS = 20  # including the demo mentors


@dataclass
class ScaleCounts:
    cohorts: int = 0
    officers: int = 0
    projects: int = 0
    logs: int = 0
    bookings: int = 0
    attendance: int = 0
    graduations: int = 0
    messages: int = 0
    applications: int = 0


def already_seeded() -> bool:
    return Cohort.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def seed(*, factor: int = 1, seed_value: int = 16) -> ScaleCounts:
    """Builds the scale data set. The caller wraps it in a transaction and refuses production."""
    rng = random.Random(seed_value)  # noqa: S311  repeatable test data, not secrets
    now = timezone.now()
    today = timezone.localdate(now)
    staff = User.objects.filter(is_programme_staff=True).order_by("pk").first()
    boroughs = list(Organisation.objects.exclude(gss_code=None).order_by("pk")) or list(Organisation.objects.all())
    unusable = make_password(None)
    counts = ScaleCounts()

    mentors = _mentors(unusable, boroughs)
    finished_n, running_n = 40 * factor, 60 * factor
    cohorts = _cohorts(finished_n, running_n, today)
    counts.cohorts = len(cohorts)
    sessions = _sessions(cohorts)

    officers = User.objects.bulk_create(
        (
            User(
                email=f"scale.officer{n}@example.org",
                full_name=f"Scale Officer {n:05d}",
                job_title="Data analyst",
                organisation=boroughs[n % len(boroughs)],
                is_officer=True,
                password=unusable,
            )
            for n in range(len(cohorts) * OFFICERS_PER_COHORT)
        ),
        batch_size=BATCH,
    )
    counts.officers = len(officers)
    by_cohort: dict[int, list[User]] = {
        cohort.pk: officers[i * OFFICERS_PER_COHORT : (i + 1) * OFFICERS_PER_COHORT] for i, cohort in enumerate(cohorts)
    }
    enrolments = _enrolments(cohorts, by_cohort, staff, now)
    counts.attendance = _attendance(cohorts, sessions, enrolments, staff, now, rng)
    counts.graduations = _graduations(cohorts, sessions, enrolments, staff)
    projects, members = _projects(cohorts, by_cohort, mentors, sessions, today, rng)
    counts.projects = len(projects)
    counts.logs = _logs(projects, members, sessions, now, rng, limit=20_000 * factor)
    _allocations(cohorts, by_cohort, mentors, staff)
    counts.bookings = _bookings(mentors, officers, now, limit=10_000 * factor)
    counts.messages = _messages(officers, now, limit=20_000 * factor)
    counts.applications = _applications(today, unusable, boroughs, staff, 200 * factor)
    return counts


def _mentors(unusable: str, boroughs: list[Organisation]) -> list[User]:
    existing = list(User.objects.filter(is_mentor=True).order_by("pk")[:MENTORS])
    made = User.objects.bulk_create(
        User(
            email=f"scale.mentor{n}@example.org",
            full_name=f"Scale Mentor {n:02d}",
            job_title="Data scientist",
            organisation=boroughs[0],
            is_mentor=True,
            password=unusable,
        )
        for n in range(MENTORS - len(existing))
    )
    mentors = existing + made
    have = set(MentorProfile.objects.filter(mentor__in=mentors).values_list("mentor_id", flat=True))
    MentorProfile.objects.bulk_create(
        MentorProfile(mentor=mentor, expertise=["python"], bio="Scale data mentor")
        for mentor in mentors
        if mentor.pk not in have
    )
    return mentors


def _cohorts(finished_n: int, running_n: int, today: date) -> list[Cohort]:
    rows = []
    for i in range(finished_n + running_n):
        if i < finished_n:  # finished: one every two weeks, going back from 14 weeks ago
            start = today - timedelta(weeks=14 + 2 * (finished_n - i))
            status = Cohort.Status.FINISHED
        else:  # running: between one and eleven weeks in
            start = today - timedelta(weeks=1 + (i - finished_n) % 11, days=1)
            status = Cohort.Status.RUNNING
        rows.append(
            Cohort(
                name=f"Scale cohort {i + 1:04d}",
                slug=f"{SLUG_PREFIX}{i + 1:04d}",
                start_date=start,
                training_weekday=start.weekday(),
                weeks=12,
                capacity=OFFICERS_PER_COHORT,
                status=status,
                default_location="City Hall, London",
            )
        )
    return Cohort.objects.bulk_create(rows, batch_size=BATCH)


def _sessions(cohorts: list[Cohort]) -> dict[int, list[TrainingSession]]:
    made = TrainingSession.objects.bulk_create(
        (
            TrainingSession(
                cohort=cohort,
                week_number=week,
                starts_at=_at(cohort.start_date + timedelta(weeks=week - 1), 10),
                ends_at=_at(cohort.start_date + timedelta(weeks=week - 1), 16),
                topic=f"Week {week}",
                location=cohort.default_location,
            )
            for cohort in cohorts
            for week in range(1, 13)
        ),
        batch_size=BATCH,
    )
    sessions: dict[int, list[TrainingSession]] = {}
    for session in made:
        sessions.setdefault(session.cohort_id, []).append(session)
    return sessions


def _enrolments(cohorts, by_cohort, staff, now) -> list[Enrolment]:
    status_of = {Cohort.Status.FINISHED: Enrolment.Status.COMPLETED, Cohort.Status.RUNNING: Enrolment.Status.SELECTED}
    enrolments = Enrolment.objects.bulk_create(
        (
            Enrolment(
                cohort=cohort,
                officer=officer,
                organisation_id=officer.organisation_id,
                job_title=officer.job_title,
                status=status_of[cohort.status],
                manager_decision=Enrolment.ManagerDecision.APPROVED,
                line_manager_name="Line Manager",
                line_manager_email=f"manager.{officer.email}",
                applied_by=officer,
            )
            for cohort in cohorts
            for officer in by_cohort[cohort.pk]
        ),
        batch_size=BATCH,
    )
    cohort_status = {cohort.pk: cohort.status for cohort in cohorts}
    events = []
    for enrolment in enrolments:
        events.append(
            EnrolmentEvent(enrolment=enrolment, from_status="applied", to_status="selected", actor=staff, note="Scale")
        )
        if cohort_status[enrolment.cohort_id] == Cohort.Status.FINISHED:
            events.append(
                EnrolmentEvent(
                    enrolment=enrolment, from_status="selected", to_status="completed", actor=staff, note="Scale"
                )
            )
    EnrolmentEvent.objects.bulk_create(events, batch_size=BATCH)
    return enrolments


def _attendance(cohorts, sessions, enrolments, staff, now, rng) -> int:
    marks = []
    for enrolment in enrolments:
        for session in sessions[enrolment.cohort_id]:
            if session.starts_at > now:
                break
            roll = rng.random()
            mark = Attendance.Mark.ABSENT if roll < 0.08 else Attendance.Mark.LATE if roll < 0.13 else "present"
            marks.append(Attendance(session=session, enrolment=enrolment, mark=mark, recorded_by=staff))
    return len(Attendance.objects.bulk_create(marks, batch_size=BATCH))


def _graduations(cohorts, sessions, enrolments, staff) -> int:
    finished = {cohort.pk for cohort in cohorts if cohort.status == Cohort.Status.FINISHED}
    rows = [
        Graduation(
            enrolment=enrolment,
            graduated_on=timezone.localdate(sessions[enrolment.cohort_id][-1].starts_at) + timedelta(days=7),
            showcase_presented=True,
            verification_token=secrets.token_urlsafe(24),
            recorded_by=staff,
        )
        for enrolment in enrolments
        if enrolment.cohort_id in finished
    ]
    return len(Graduation.objects.bulk_create(rows, batch_size=BATCH))


def _projects(cohorts, by_cohort, mentors, sessions, today, rng):
    templates = list(MilestoneTemplate.objects.filter(cohort=None).order_by("order", "due_week", "pk"))
    rows, planned = [], []
    total = 0
    for index, cohort in enumerate(cohorts):
        # 7 or 8 projects a cohort (750 per 100 cohorts), three officers each, some officers on two.
        n = int((index + 1) * PROJECTS_PER_COHORT) - int(index * PROJECTS_PER_COHORT)
        people = by_cohort[cohort.pk]
        for p in range(n):
            team = [people[(p * 2 + k) % len(people)] for k in range(OFFICERS_PER_PROJECT)]
            rows.append(
                Project(
                    cohort=cohort,
                    title=f"{cohort.name}: matching project {p + 1}",
                    problem_statement="Link two registers to find residents who miss out on support.",
                    lead_mentor=mentors[total % len(mentors)],
                    matching_approach=Project.MatchingApproach.PROBABILISTIC,
                    tools="Python, pandas, Splink",
                )
            )
            planned.append(team)
            total += 1
    projects = Project.objects.bulk_create(rows, batch_size=BATCH)
    Through = Project.officers.through
    Through.objects.bulk_create(
        (
            Through(project=project, user=officer)
            for project, team in zip(projects, planned, strict=True)
            for officer in team
        ),
        batch_size=BATCH,
    )
    finished = {cohort.pk for cohort in cohorts if cohort.status == Cohort.Status.FINISHED}
    milestones, checks = [], []
    for project in projects:
        days = {s.week_number: timezone.localdate(s.starts_at) for s in sessions[project.cohort_id]}
        for template in templates:
            due_on = days.get(template.due_week, today)
            if project.cohort_id in finished:
                state = Milestone.State.SIGNED_OFF
            elif due_on < today:
                state = rng.choice([Milestone.State.SIGNED_OFF, Milestone.State.DONE, Milestone.State.NOT_STARTED])
            else:
                state = Milestone.State.NOT_STARTED
            milestones.append(
                Milestone(
                    project=project,
                    title=template.title,
                    order=template.order,
                    due_week=template.due_week,
                    due_on=due_on,
                    needs_ig_approval=template.needs_ig_approval,
                    state=state,
                )
            )
        settled = project.cohort_id in finished or rng.random() < 0.5
        for kind in IGCheck.Kind.values:
            if settled:  # confirmed by someone other than the project's officers (docs/projects.md)
                checks.append(
                    IGCheck(
                        project=project,
                        kind=kind,
                        status=IGCheck.Status.APPROVED,
                        confirmation=IGCheck.Confirmation.CONFIRMED,
                        reviewed_by_label="Programme staff (scale data)",
                        reviewed_at=timezone.now(),
                    )
                )
            else:
                checks.append(IGCheck(project=project, kind=kind, status=IGCheck.Status.IN_PROGRESS))
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)
    IGCheck.objects.bulk_create(checks, batch_size=BATCH)
    return projects, planned


def _logs(projects, members, sessions, now, rng, *, limit: int) -> int:
    statuses = [ProgressLog.RAG.GREEN] * 6 + [ProgressLog.RAG.AMBER] * 3 + [ProgressLog.RAG.RED]
    rows = []
    for project, team in zip(projects, members, strict=True):
        held = [s for s in sessions[project.cohort_id] if s.starts_at <= now]
        for session in held:
            for officer in team:
                if len(rows) >= limit:
                    break
                rows.append(
                    ProgressLog(
                        project=project,
                        officer=officer,
                        week_number=session.week_number,
                        what_i_did="Cleaned the address fields and ran a first blocking pass.",
                        whats_next="Tune the match weights.",
                        blockers="Waiting for the extract." if rng.random() < 0.1 else "",
                        rag_status=rng.choice(statuses),
                        hours=Decimal("6.0"),
                    )
                )
    logs = ProgressLog.objects.bulk_create(rows, batch_size=BATCH)
    # The lead mentor has commented on every log older than the last two weeks of its cohort.
    lead = {project.pk: project.lead_mentor_id for project in projects}
    latest_week = {}
    for log in logs:
        latest_week[log.project_id] = max(latest_week.get(log.project_id, 0), log.week_number)
    LogComment.objects.bulk_create(
        (
            LogComment(log=log, author_id=lead[log.project_id], body="Good progress: keep going.")
            for log in logs
            if log.week_number < latest_week[log.project_id] - 1
        ),
        batch_size=BATCH,
    )
    return len(logs)


def _allocations(cohorts, by_cohort, mentors, staff) -> None:
    running = [cohort for cohort in cohorts if cohort.status == Cohort.Status.RUNNING]
    MentorAllocation.objects.bulk_create(
        (
            MentorAllocation(officer=officer, mentor=mentors[i % len(mentors)], assigned_by=staff)
            for i, officer in enumerate(o for cohort in running for o in by_cohort[cohort.pk])
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def _bookings(mentors, officers, now, *, limit: int) -> int:
    # One hour apart across the whole set, so no mentor or officer is ever double-booked (the
    # exclusion constraints), mostly in the past: a programme's history of mentoring.
    # Hours that touch a demo booking are skipped.
    first = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=int(limit * 0.9))
    taken = list(Booking.objects.values_list("starts_at", "ends_at"))
    rows = []
    slot = -1
    for n in range(limit):
        slot += 1
        while any(s < first + timedelta(hours=slot + 1) and e > first + timedelta(hours=slot) for s, e in taken):
            slot += 1
        starts_at = first + timedelta(hours=slot)
        past = starts_at < now
        status = Booking.Status.CONFIRMED
        if past and n % 17 == 0:
            status = Booking.Status.CANCELLED
        elif past and n % 23 == 0:
            status = Booking.Status.NO_SHOW
        officer = officers[(n * 7) % len(officers)]
        rows.append(
            Booking(
                mentor=mentors[n % len(mentors)],
                officer=officer,
                created_by=officer,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=45),
                status=status,
                agenda="Review the matching approach",
                rating=4 if past and status == Booking.Status.CONFIRMED else None,
            )
        )
    return len(Booking.objects.bulk_create(rows, batch_size=BATCH))


def _messages(officers, now, *, limit: int) -> int:
    rows = (
        Message(
            recipient=officers[n % len(officers)],
            to_email=officers[n % len(officers)].email,
            kind="training_reminder",
            dedup_key=f"scale:{n}",
            subject="Your training day is tomorrow",
            body_text="Hello",
            status=Message.Status.SENT,
            sent_at=now - timedelta(minutes=n),
        )
        for n in range(limit)
    )
    return len(Message.objects.bulk_create(rows, batch_size=BATCH))


def _applications(today, unusable, boroughs, staff, n: int) -> int:
    cohort = Cohort.objects.create(
        name="Scale recruiting cohort",
        slug=f"{SLUG_PREFIX}recruiting",
        start_date=today + timedelta(weeks=6),
        training_weekday=Cohort.Weekday.WEDNESDAY,
        capacity=15,
        status=Cohort.Status.RECRUITING,
    )
    applicants = User.objects.bulk_create(
        (
            User(
                email=f"scale.applicant{i}@example.org",
                full_name=f"Scale Applicant {i:05d}",
                organisation=boroughs[i % len(boroughs)],
                is_officer=True,
                password=unusable,
            )
            for i in range(n)
        ),
        batch_size=BATCH,
    )
    statuses = [Enrolment.Status.APPLIED, Enrolment.Status.MANAGER_APPROVED]
    enrolments = Enrolment.objects.bulk_create(
        (
            Enrolment(
                cohort=cohort,
                officer=officer,
                organisation_id=officer.organisation_id,
                status=statuses[i % 2],
                manager_decision="approved" if i % 2 else "pending",
                line_manager_email=f"manager{i}@example.org",
                applied_by=officer,
            )
            for i, officer in enumerate(applicants)
        ),
        batch_size=BATCH,
    )
    EnrolmentEvent.objects.bulk_create(
        (EnrolmentEvent(enrolment=e, to_status=e.status, actor=e.officer, note="Scale") for e in enrolments),
        batch_size=BATCH,
    )
    return len(enrolments)
