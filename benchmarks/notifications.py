"""Benchmark: dispatch of 10,000 due reminders and building of 1,500 digests on PostgreSQL.

The officers also work in pairs on 5,000 projects led by 50 mentors, with milestones and logs, so
the projects' and cohorts' reminder sources and digest sections run on realistic volumes too.

Run: .venv/bin/python benchmarks/notifications.py  (needs PostgreSQL at 127.0.0.1:5432, user postgres,
or BENCH_DATABASE_URL). Uses its own database, lotibootcamp_bench, created if missing and emptied of
this script's rows on every run. Not part of `make test`. The broker is kombu's in-memory transport,
so the numbers are for our code and the database, not for Redis.
"""

import os
import platform
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lotibootcamp_bench")
os.environ["DATABASE_URL"] = URL
os.environ["REDIS_URL"] = ""
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lotibootcamp.settings")
os.environ["EMAIL_URL"] = "memorymail://"


def ensure_database() -> None:
    from urllib.parse import urlparse

    import psycopg2

    parts = urlparse(URL)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres", password=parts.password
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


ensure_database()

import django  # noqa: E402
import time_machine  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Organisation, User  # noqa: E402
from cohorts.models import Cohort, Enrolment, TrainingSession  # noqa: E402
from lotibootcamp.celery import app  # noqa: E402
from notifications import digests, services  # noqa: E402
from notifications.models import Message, Unsubscription  # noqa: E402
from projects.models import Milestone, ProgressLog, Project  # noqa: E402

LONDON = ZoneInfo("Europe/London")
OFFICERS = 10_000
MENTORS = 50
DIGEST_PEOPLE = 1_500
SESSION_DAY = date(2030, 6, 11)  # a Tuesday far from any real data


def build() -> None:
    prefix = "bench-"
    Message.objects.all().delete()
    Unsubscription.objects.all().delete()
    ProgressLog.objects.filter(project__cohort__slug__startswith=prefix).delete()
    Project.objects.filter(cohort__slug__startswith=prefix).delete()
    Enrolment.objects.filter(cohort__slug__startswith=prefix).delete()
    TrainingSession.objects.filter(cohort__slug__startswith=prefix).delete()
    User.objects.filter(email__startswith=prefix).delete()
    Cohort.objects.filter(slug__startswith=prefix).delete()
    organisation = Organisation.objects.get(name="Camden")
    cohorts = Cohort.objects.bulk_create(
        Cohort(
            name=f"Bench cohort {n}",
            slug=f"{prefix}{n}",
            start_date=SESSION_DAY - timedelta(weeks=4),
            training_weekday=1,
            status=Cohort.Status.RUNNING,
            capacity=100,
            default_location="City Hall",
        )
        for n in range(100)
    )
    TrainingSession.objects.bulk_create(
        TrainingSession(
            cohort=cohort,
            week_number=5,
            topic="Record linkage at scale",
            starts_at=datetime.combine(SESSION_DAY, clock(10), tzinfo=LONDON),
            ends_at=datetime.combine(SESSION_DAY, clock(16), tzinfo=LONDON),
            materials="https://example.org/slides\nhttps://example.org/notebook",
        )
        for cohort in cohorts
    )
    officers = User.objects.bulk_create(
        User(
            email=f"{prefix}{n}@example.org",
            full_name=f"Officer {n}",
            organisation=organisation,
            is_officer=True,
            password="!",  # noqa: S106 - unusable password hash
        )
        for n in range(OFFICERS)
    )
    Enrolment.objects.bulk_create(
        Enrolment(cohort=cohorts[n % 100], officer=officer, organisation=organisation, status=Enrolment.Status.SELECTED)
        for n, officer in enumerate(officers)
    )
    User.objects.bulk_create(
        User(email=f"{prefix}staff{n}@example.org", full_name=f"Staff {n}", is_programme_staff=True, password="!")  # noqa: S106
        for n in range(20)
    )


def build_projects() -> None:
    """Pairs of officers of the same cohort on a project, each with a milestone due on the Friday
    after the session (due reminders written, not due yet) and one signed off; week 4 logs for
    everyone (a quarter name a blocker, a tenth are red), week 5 logs for half."""
    cohorts = list(Cohort.objects.filter(slug__startswith="bench-").order_by("pk"))
    officers = list(User.objects.filter(email__startswith="bench-", is_officer=True).order_by("pk"))
    mentors = User.objects.bulk_create(
        User(
            email=f"bench-mentor{n}@example.org",
            full_name=f"Mentor {n}",
            is_mentor=True,
            password="!",  # noqa: S106 - unusable password hash
            organisation=Organisation.objects.get(name="Camden"),
        )
        for n in range(MENTORS)
    )
    by_cohort: dict[int, list] = {}
    for n, officer in enumerate(officers):
        by_cohort.setdefault(n % 100, []).append(officer)
    pairs = [(cohorts[c], members[i : i + 2]) for c, members in by_cohort.items() for i in range(0, len(members), 2)]
    projects = Project.objects.bulk_create(
        Project(cohort=cohort, title=f"Bench project {n}", problem_statement="-", lead_mentor=mentors[n % MENTORS])
        for n, (cohort, _) in enumerate(pairs)
    )
    Project.officers.through.objects.bulk_create(
        Project.officers.through(project=project, user=officer)
        for project, (_, pair) in zip(projects, pairs, strict=True)
        for officer in pair
    )
    Milestone.objects.bulk_create(
        Milestone(project=project, title=title, due_week=week, due_on=due_on, state=state)
        for project in projects
        for title, week, due_on, state in (
            ("Scope agreed", 2, SESSION_DAY - timedelta(weeks=3), Milestone.State.SIGNED_OFF),
            ("Data profiled", 5, SESSION_DAY + timedelta(days=3), Milestone.State.NOT_STARTED),
        )
    )
    logs = []
    for project, (_, pair) in zip(projects, pairs, strict=True):
        for officer in pair:
            n = officer.pk
            rag = "red" if n % 10 == 0 else "amber" if n % 3 == 0 else "green"
            blockers = "Waiting for the data sharing agreement" if n % 4 == 0 else ""
            logs.append(
                ProgressLog(
                    project=project,
                    officer=officer,
                    week_number=4,
                    what_i_did="-",
                    whats_next="-",
                    blockers=blockers,
                    rag_status=rag,
                    hours=6,
                )
            )
            if n % 2 == 0:
                logs.append(
                    ProgressLog(
                        project=project,
                        officer=officer,
                        week_number=5,
                        what_i_did="-",
                        whats_next="-",
                        rag_status="green",
                        hours=6,
                    )
                )
    ProgressLog.objects.bulk_create(logs, batch_size=2000)
    last_week = datetime.combine(SESSION_DAY - timedelta(days=6), clock(12), tzinfo=LONDON)
    ProgressLog.objects.filter(project__in=projects).update(created_at=last_week)


def measure(label, function):
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    print(f"{label:<48} {elapsed:8.2f} s {len(queries):6d} queries   {result}")
    return result


def main() -> None:
    app.conf.broker_url = "memory://"
    call_command("migrate", verbosity=0)
    print(
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"PostgreSQL {connection.cursor().connection.server_version}"
    )
    started = time.perf_counter()
    build()
    print(f"built {OFFICERS} officers in 100 cohorts in {time.perf_counter() - started:.1f} s")
    due = datetime.combine(SESSION_DAY - timedelta(days=1), clock(9), tzinfo=LONDON)
    traveller = time_machine.travel(due, tick=True)  # so enqueued_at and `now` agree
    traveller.start()
    measure("dispatch: write 10,000 reminders, enqueue due", lambda: services.reminders_dispatch(now=due))
    measure("dispatch again: nothing new (dedup keys)", lambda: services.reminders_dispatch(now=due))
    TrainingSession.objects.filter(cohort__slug="bench-0").update(is_cancelled=True)
    measure("dispatch after one session cancelled", lambda: services.reminders_dispatch(now=due))
    traveller.stop()
    started = time.perf_counter()
    build_projects()
    print(f"built 5,000 projects, 10,000 milestones, 15,000 logs in {time.perf_counter() - started:.1f} s")
    traveller = time_machine.travel(due, tick=True)
    traveller.start()
    measure("dispatch: write projects' nudges (not due yet)", lambda: services.reminders_dispatch(now=due))
    measure("dispatch again with projects: nothing new", lambda: services.reminders_dispatch(now=due))

    people = list(User.objects.filter(email__startswith="bench-", is_officer=True).order_by("pk")[: DIGEST_PEOPLE - 70])
    people += list(User.objects.filter(email__startswith="bench-mentor"))
    people += list(User.objects.filter(email__startswith="bench-staff"))
    monday = datetime.combine(SESSION_DAY - timedelta(days=1), clock(8), tzinfo=LONDON)
    week = digests.digest_week(monday)
    built = measure(
        f"build {len(people)} digests (sections only)", lambda: len(digests.digests_build(week=week, users=people))
    )
    assert built == DIGEST_PEOPLE

    def write_digests():
        from django.db import transaction

        specs = [d.spec for d in digests.digests_build(week=week, users=people) if d.blocks]
        with transaction.atomic():
            return services.messages_queue_many(specs=specs)

    measure(f"build and write {DIGEST_PEOPLE} digests (render + insert)", write_digests)
    traveller.stop()


if __name__ == "__main__":
    main()
