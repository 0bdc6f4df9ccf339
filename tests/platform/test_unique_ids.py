"""Every id on a page is used once: a repeated id (a table region in a loop labelled by one caption)
points assistive technology at the wrong element. Checked on the pages the benchmark measures, as each
role sees them on the demo data with two more cohorts' mentoring beside the pilot's."""

import re
from collections import Counter

import pytest
from django.core.management import call_command

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


def test_no_page_repeats_an_id(client, demo):
    project = Project.objects.filter(cohort__slug="pilot").order_by("pk").first()
    pages = dict(PAGES)
    pages["staff@example.org"] = [*pages["staff@example.org"], f"/projects/{project.pk}/"]
    found = {}
    for email, paths in pages.items():
        client.force_login(User.objects.get(email=email))
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (email, path, response.status_code)
            if repeated := repeated_ids(response.content.decode()):
                found[(email, path)] = repeated
    assert found == {}
