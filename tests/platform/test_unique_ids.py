"""Every id on a page is used once: a repeated id (a table region in a loop labelled by one caption)
points assistive technology at the wrong element. And every query a page runs, it runs once: a helper
two panels both call is worked out once and shared. Checked on the pages the benchmark measures, as
each role sees them on the demo data with two more cohorts' mentoring beside the pilot's."""

import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from projects.models import Project

pytestmark = pytest.mark.django_db

PAGES = {
    "staff@example.org": [
        "/",
        "/attention/",
        "/cohorts/",
        "/cohorts/pilot/",
        "/cohorts/pilot/applications/",
        "/cohorts/organisations/",
        "/cohorts/curricula/",
        "/accounts/people/",
        "/projects/",
        "/projects/cohort/pilot/",
        "/projects/showcase/",
        "/notifications/outbox/",
        "/mentoring/allocations/",
        "/mentoring/utilisation/",
        "/trainers/impact/",
        "/trainers/impact/cohorts/",
        "/trainers/impact/organisations/",
        "/trainers/graduates/",
        "/trainers/sessions/",
    ],
    "mentor@example.org": [
        "/",
        "/projects/mentees/",
        "/projects/mentees/awaiting-comment/",
        "/mentoring/",
        "/mentoring/availability/",
        "/mentoring/mentees/",
    ],
    "officer@example.org": [
        "/",
        "/mentoring/",
        "/mentoring/mentors/",
        "/mentoring/office-hours/",
        "/cohorts/attendance/",
    ],
}


@pytest.fixture
def demo():
    from tests.factories import MentorProfileFactory, RunningCohortFactory
    from tests.mentoring.test_allocations import add_officers_with_bookings

    call_command("seed_demo", verbosity=0)
    for _ in range(2):  # more cohorts whose mentors' hours share the utilisation page with the pilot's
        add_officers_with_bookings(RunningCohortFactory(), 2, MentorProfileFactory().mentor)


def repeated_ids(html: str) -> list[str]:
    counts = Counter(re.findall(r'\sid="([^"]+)"', html))
    return sorted(name for name, count in counts.items() if count > 1)


def all_pages() -> dict[str, list[str]]:
    project = Project.objects.filter(cohort__slug="pilot").order_by("pk").first()
    pages = dict(PAGES)
    pages["staff@example.org"] = [*pages["staff@example.org"], f"/projects/{project.pk}/"]
    return pages


def query_shape(sql: str) -> str:
    """The query with its values left out (a timestamp of now differs between two runs of one helper)."""
    return re.sub(r"\b\d+(\.\d+)?\b", "N", re.sub(r"'[^']*'", "V", sql))


def test_no_page_runs_the_same_query_twice(client, demo):
    found = {}
    for email, paths in all_pages().items():
        client.force_login(User.objects.get(email=email))
        for path in paths:
            client.get(path)  # sessions and caches settle
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200, (email, path)
            shapes = Counter(query_shape(query["sql"]) for query in queries.captured_queries)
            if repeated := sorted(shape[:120] for shape, count in shapes.items() if count > 1):
                found[(email, path)] = repeated
    assert found == {}


def test_no_page_repeats_an_id(client, demo):
    pages = all_pages()
    found = {}
    for email, paths in pages.items():
        client.force_login(User.objects.get(email=email))
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (email, path, response.status_code)
            if repeated := repeated_ids(response.content.decode()):
                found[(email, path)] = repeated
    assert found == {}
