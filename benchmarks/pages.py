"""Benchmark: in-process median time and query count of every page a role lands on, lists and
detail pages, at demo size and at a programme's whole history (`manage.py seed_scale`).

Run: .venv/bin/python benchmarks/pages.py [--factor N] [--repeats N]  (needs PostgreSQL at
127.0.0.1:5432, user postgres, or BENCH_DATABASE_URL). Uses its own database,
lotibootcamp_bench_pages, rebuilt on every run. Not part of `make test`: tests assert that query
counts and model instances stay flat; this script records how fast pages are. It also times a
roster import of 1,500 rows at scale. DEBUG is off, as in production. The pages that keep their
figures (common/fresh.py) are timed twice: as they are served (kept in the local-memory cache after the
first request) and worked out afresh (the cache emptied before each request).
"""

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from cohorts import services as cohort_services  # noqa: E402
from cohorts.models import Cohort  # noqa: E402
from projects.models import Project  # noqa: E402

STAFF, MENTOR, OFFICER = "staff@example.org", "mentor@example.org", "officer@example.org"


def pages() -> list[tuple[str, str]]:
    """Every page measured, as (who, path). Detail pages point at demo rows, which exist at both sizes."""
    project = Project.objects.filter(cohort__slug="pilot").order_by("pk").first()
    organisation = User.objects.get(email=OFFICER).organisation
    return [
        (STAFF, "/"),
        (STAFF, "/attention/"),
        (MENTOR, "/"),
        (OFFICER, "/"),
        (STAFF, "/cohorts/"),
        (STAFF, "/cohorts/pilot/"),
        (STAFF, "/cohorts/pilot/applications/"),
        (STAFF, "/cohorts/scale-recruiting/applications/"),
        (STAFF, "/cohorts/organisations/"),
        (STAFF, f"/cohorts/organisations/{organisation.slug}/"),
        (STAFF, "/cohorts/curricula/"),
        (STAFF, "/accounts/people/"),
        # Issue 15: a search by part of a name, and the outbox filtered by kind and recipient.
        (STAFF, "/accounts/people/?q=officer+001"),
        (STAFF, "/projects/"),
        (STAFF, "/projects/cohort/pilot/"),
        (STAFF, f"/projects/{project.pk}/"),
        (STAFF, "/projects/showcase/"),
        (STAFF, "/notifications/outbox/"),
        (STAFF, "/notifications/outbox/?kind=training_reminder&recipient=officer0"),
        (STAFF, "/mentoring/allocations/"),
        (STAFF, "/mentoring/utilisation/"),
        (STAFF, "/trainers/impact/"),
        (STAFF, "/trainers/graduates/"),
        (STAFF, "/trainers/sessions/"),
        (STAFF, "/trainers/sessions/?verified=no&sort=-colleagues"),
        (MENTOR, "/projects/mentees/"),
        (MENTOR, "/projects/mentees/awaiting-comment/"),
        (MENTOR, "/mentoring/"),
        (MENTOR, "/mentoring/availability/"),
        (MENTOR, "/mentoring/mentees/"),
        (OFFICER, "/projects/mine/"),
        (OFFICER, "/mentoring/"),
        (OFFICER, "/mentoring/mentors/"),
        (OFFICER, "/mentoring/office-hours/"),
        (OFFICER, "/cohorts/attendance/"),
        # The API (issue 18): a page of 100 progress logs, with a programme-data token.
        (STAFF, "/api/v1/progress-logs/?page_size=100"),
        (OFFICER, "/api/v1/progress-logs/?page_size=100"),
    ]


def api_headers(email: str) -> dict:
    """A token for the API's paths: programme data for staff (with the second factor it needs)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from api.models import ApiToken
    from api.services import api_token_create

    user = User.objects.get(email=email)
    scope = ApiToken.Scope.OWN
    if user.is_programme_staff:
        TOTPDevice.objects.get_or_create(user=user, name="benchmark", defaults={"confirmed": True})
        scope = ApiToken.Scope.PROGRAMME
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='benchmark', scope=scope)[1]}"}


def signed_in_client(email: str) -> Client:
    """A client signed in as `email`, past the second factor that staff and mentors owe (as entering a
    code from their authenticator app leaves the session): otherwise their pages answer with a redirect
    to the code step, and that redirect is what would be measured."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.twofactor import new_secret, requires_two_factor

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    if requires_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="benchmark", key=new_secret(), confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


# Pages that keep their figures until the data or the clock changes them (common/fresh.py): they are
# also timed with the cache emptied before each request, which is what the first view after a write costs.
KEPT = [
    (STAFF, "/"),
    (STAFF, "/attention/"),
    (MENTOR, "/"),
    (OFFICER, "/"),
    (STAFF, "/trainers/impact/"),
    (MENTOR, "/projects/mentees/"),
    (STAFF, "/cohorts/pilot/"),
    (STAFF, "/cohorts/scale-recruiting/applications/"),
    (STAFF, "/projects/cohort/pilot/"),
    (STAFF, "/notifications/outbox/"),
    (STAFF, "/cohorts/"),
    (STAFF, "/cohorts/organisations/"),
    (STAFF, "/cohorts/organisations/camden/"),
    (STAFF, "/projects/"),
]


def measure(targets: list[tuple[str, str]], repeats: int, *, afresh: bool = False) -> list[tuple[float, int, int]]:
    from django.core.cache import cache

    rows = []
    clients: dict[str, Client] = {}
    for email, path in targets:
        client = clients.get(email)
        if client is None:
            client = clients[email] = signed_in_client(email)
        headers = api_headers(email) if path.startswith("/api/") else {}
        client.get(path, **headers)  # warm caches and connections
        times = []
        for _ in range(repeats):
            if afresh:
                cache.clear()
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, **headers)
            times.append((time.perf_counter() - start) * 1000)
        rows.append((statistics.median(times), len(queries), response.status_code))
    return rows


def roster_file(rows: int, prefix: str) -> str:
    return "email,full_name,organisation,job_title,stream\n" + "".join(
        f"{prefix}{n}@example.org,Roster Officer {n},Camden,Analyst,\n" for n in range(rows)
    )


def roster_import_timing(rows: int = 1500) -> tuple[float, int]:
    """A server's steady state: a first import of 10 rows (not timed) loads the modules and templates an
    import uses for the first time in a process, then 1,500 rows into another cohort are timed."""
    warm = Cohort.objects.create(
        name="Bench warm-up", slug="bench-warm-up", start_date="2030-01-07", training_weekday=0
    )
    cohort_services.roster_import(cohort=warm, content=roster_file(10, "warmup"), actor=None)
    cohort = Cohort.objects.create(
        name="Bench roster", slug="bench-roster", start_date="2030-01-07", training_weekday=0, capacity=rows
    )
    content = roster_file(rows, "roster")
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = cohort_services.roster_import(cohort=cohort, content=content, actor=None)
    seconds = time.perf_counter() - start
    assert result.saved and result.changes == rows, result.errors[:3]
    return seconds, len(queries)


def analyze() -> None:
    """Table statistics and visibility maps after a bulk load, as autovacuum would gather them in
    production within a minute. Without them (autovacuum is off on some machines, and a fresh load has
    none) PostgreSQL plans on guesses and cannot count from an index alone, and the pages are timed on
    plans a live service would not run."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    analyze()
    # The recruiting cohort's applications page exists at demo size too (empty until seed_scale).
    targets = pages()
    Cohort.objects.create(
        name="Scale recruiting cohort", slug="scale-recruiting", start_date="2030-01-01", training_weekday=2
    )
    load_before = os.getloadavg()
    demo = measure(targets, args.repeats)
    demo_afresh = measure(KEPT, args.repeats, afresh=True)
    Cohort.objects.filter(slug="scale-recruiting").delete()
    started = time.perf_counter()
    call_command("seed_scale", factor=args.factor, verbosity=0)
    seeded = time.perf_counter() - started
    analyze()
    scale = measure(targets, args.repeats)
    scale_afresh = measure(KEPT, args.repeats, afresh=True)
    roster_seconds, roster_queries = roster_import_timing()
    load_after = os.getloadavg()
    print(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")
    print("Table statistics: VACUUM ANALYZE after the demo data and after seed_scale")
    print(f"Load average (1, 5, 15 min) before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    print(f"Load average (1, 5, 15 min) after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print(
        f"seed_scale --factor {args.factor}: {seeded:.1f} s; roster import of 1,500 rows at scale: "
        f"{roster_seconds:.2f} s, {roster_queries} queries"
    )
    print("| role | page | demo: median ms | queries | scale: median ms | queries | scale ÷ demo |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (email, path), (ms, queries, status), (big_ms, big_queries, big_status) in zip(
        targets, demo, scale, strict=True
    ):
        # /projects/mine/ answers with a redirect to the officer's project: that is its page. Any other
        # redirect is a sign-in step, not the page.
        expected = 302 if path == "/projects/mine/" else 200
        assert status == big_status == expected, (email, path, status, big_status)
        role = email.split("@")[0]
        print(f"| {role} | `{path}` | {ms:.1f} | {queries} | {big_ms:.1f} | {big_queries} | {big_ms / ms:.1f}× |")
    print()
    print("Pages that keep their figures, worked out afresh (the cache emptied before each request):")
    print("| role | page | demo: median ms | queries | scale: median ms | queries | scale ÷ demo |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (email, path), (ms, queries, _), (big_ms, big_queries, _) in zip(KEPT, demo_afresh, scale_afresh, strict=True):
        role = email.split("@")[0]
        print(f"| {role} | `{path}` | {ms:.1f} | {queries} | {big_ms:.1f} | {big_queries} | {big_ms / ms:.1f}× |")


if __name__ == "__main__":
    main()
