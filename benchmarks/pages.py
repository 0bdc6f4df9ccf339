"""Benchmark: response time and query count of the main pages, with demo data and with bulk data.

Run: .venv/bin/python benchmarks/pages.py  (needs PostgreSQL at 127.0.0.1:5432, user postgres, or
BENCH_DATABASE_URL). Uses its own database, lotibootcamp_bench_pages, rebuilt on every run. Not part
of `make test`: tests assert that query counts stay flat; this script records how fast pages are.
"""

import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lotibootcamp_bench_pages")
os.environ["DATABASE_URL"] = URL
os.environ["REDIS_URL"] = ""
os.environ["DEBUG"] = "false"
os.environ["EMAIL_URL"] = "memorymail://"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lotibootcamp.settings")


def recreate_database() -> None:
    import psycopg2

    parts = urlparse(URL)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres", password=parts.password
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


recreate_database()

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Organisation, User  # noqa: E402
from cohorts.models import Cohort, Enrolment  # noqa: E402
from notifications.models import Message  # noqa: E402

PAGES = [
    ("officer@example.org", "/mentoring/"),
    ("staff@example.org", "/mentoring/allocations/"),
    ("staff@example.org", "/mentoring/utilisation/"),
    ("officer@example.org", "/mentoring/mentors/"),
    ("officer@example.org", "/mentoring/office-hours/"),
    ("mentor@example.org", "/mentoring/availability/"),
    ("staff@example.org", "/"),
    ("staff@example.org", "/accounts/people/"),
    ("staff@example.org", "/cohorts/"),
    ("staff@example.org", "/cohorts/pilot/"),
    ("staff@example.org", "/cohorts/bench-large/applications/"),
    ("staff@example.org", "/cohorts/organisations/"),
    ("staff@example.org", "/projects/cohort/pilot/"),
    ("staff@example.org", "/projects/showcase/"),
    ("staff@example.org", "/notifications/outbox/"),
    ("mentor@example.org", "/"),
    ("mentor@example.org", "/projects/mentees/"),
    ("officer@example.org", "/"),
    ("officer@example.org", "/projects/mine/"),
]
REPEATS = 15
UNUSABLE = make_password(None)


def large_cohort() -> Cohort:
    return Cohort.objects.create(
        name="Bench large cohort",
        slug="bench-large",
        start_date=timezone.localdate(),
        training_weekday=Cohort.Weekday.WEDNESDAY,
        capacity=300,
        status=Cohort.Status.RECRUITING,
    )


def bulk(cohort: Cohort) -> None:
    """2,000 more officers, a cohort with 300 applications, 20,000 outbox messages."""
    boroughs = list(Organisation.objects.exclude(gss_code=None))
    officers = User.objects.bulk_create(
        User(
            email=f"bench{n}@example.org",
            full_name=f"Bench Officer {n}",
            organisation=boroughs[n % len(boroughs)],
            is_officer=True,
            password=UNUSABLE,
        )
        for n in range(2000)
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            cohort=cohort,
            officer=officer,
            organisation=officer.organisation,
            status=Enrolment.Status.APPLIED,
            line_manager_email=f"manager{n}@example.org",
        )
        for n, officer in enumerate(officers[:300])
    )
    Message.objects.bulk_create(
        (
            Message(
                to_email=f"bench{n % 2000}@example.org",
                kind="bench",
                dedup_key=f"bench:{n}",
                subject="Bench message",
                body_text="Hello",
                status=Message.Status.SENT,
            )
            for n in range(20000)
        ),
        batch_size=2000,
    )


def measure() -> list[tuple[str, str, float, int, int]]:
    rows = []
    clients: dict[str, Client] = {}
    for email, path in PAGES:
        client = clients.get(email)
        if client is None:
            client = clients[email] = Client()
            client.force_login(User.objects.get(email=email))
        client.get(path)  # warm caches and connections
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        rows.append((email.split("@")[0], path, statistics.median(times), len(queries), response.status_code))
    return rows


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    cohort = large_cohort()
    demo = measure()
    bulk(cohort)
    large = measure()
    print(f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")
    print("| role | page | demo data: median ms | queries | bulk data: median ms | queries |")
    print("|---|---|---:|---:|---:|---:|")
    for (role, path, ms, queries, status), (_, _, big_ms, big_queries, big_status) in zip(demo, large, strict=True):
        assert status == 200 and big_status == 200, (path, status, big_status)
        print(f"| {role} | `{path}` | {ms:.1f} | {queries} | {big_ms:.1f} | {big_queries} |")


if __name__ == "__main__":
    main()
