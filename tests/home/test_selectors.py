import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohorts.models import Enrolment
from home.selectors import staff_attention
from notifications.models import Message
from projects.models import Milestone
from tests.factories import (
    AttendanceFactory,
    CascadeSessionFactory,
    CohortFactory,
    EnrolmentFactory,
    MentorFactory,
    MessageFactory,
    OfficerFactory,
    ProjectFactory,
    RunningCohortFactory,
    StaffFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


def running_cohort_needing_attention(name: str):
    cohort = RunningCohortFactory(name=name)
    project = ProjectFactory(cohort=cohort)
    milestones = list(Milestone.objects.filter(project=project).order_by("due_on"))
    Milestone.objects.filter(pk=milestones[0].pk).update(state=Milestone.State.DONE)
    Milestone.objects.filter(pk=milestones[1].pk).update(due_on=timezone.localdate() - timedelta(days=2))
    officer = project.officers.first()
    enrolment = Enrolment.objects.get(cohort=cohort, officer=officer)
    past = timezone.now() - timedelta(days=30)
    for week in range(2):
        session = TrainingSessionFactory(
            cohort=cohort,
            week_number=90 + week,
            starts_at=past + timedelta(weeks=week),
            ends_at=past + timedelta(weeks=week, hours=6),
        )
        AttendanceFactory(session=session, enrolment=enrolment, mark="absent")
    return cohort


def test_staff_attention_lists_what_needs_doing_with_links():
    recruiting = CohortFactory(name="Spring intake", slug="spring-intake")
    EnrolmentFactory(cohort=recruiting, status=Enrolment.Status.MANAGER_APPROVED)
    EnrolmentFactory(cohort=recruiting, status=Enrolment.Status.MANAGER_APPROVED)
    running = running_cohort_needing_attention("Pilot")
    CascadeSessionFactory()
    MessageFactory(status=Message.Status.FAILED)

    # Programme-wide lines first, then cohorts in start-date order: the running pilot, then the intake.
    assert [(item.text, item.href) for item in staff_attention()] == [
        ("1 cascade session to verify", "/trainers/sessions/"),
        ("1 email failed to send", "/notifications/outbox/?status=failed"),
        ("1 officer at risk in Pilot", f"/cohorts/{running.slug}/"),
        ("1 milestone waiting for sign-off in Pilot", f"/projects/cohort/{running.slug}/"),
        ("1 overdue milestone in Pilot", f"/projects/cohort/{running.slug}/?overdue=yes"),
        ("2 applications to decide on in Spring intake", "/cohorts/spring-intake/applications/"),
    ]


def test_staff_attention_is_empty_when_all_is_well():
    CohortFactory()
    assert staff_attention() == []


def test_staff_dashboard_query_count_does_not_grow_with_cohorts(client):
    client.force_login(StaffFactory())
    running_cohort_needing_attention("One")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/").status_code == 200
    for n in range(3):
        running_cohort_needing_attention(f"More {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert "1 overdue milestone in More 0" in response.content.decode()
    assert len(many) == len(one)


def test_dashboard_shows_ten_lines_of_attention_and_the_page_lists_them_all_50_a_page(client):
    """Three lines for each of 18 running cohorts: 10 on the dashboard with a link to the 54, which the
    attention page shows 50 a page, in the same order, for the same queries however many there are."""
    for n in range(18):
        running_cohort_needing_attention(f"Cohort {n:02}")
    everything = [(item.text, item.href) for item in staff_attention()]
    assert len(everything) == 54  # at risk, to sign off and overdue, for each cohort
    client.force_login(StaffFactory())
    home = client.get("/").content.decode()
    shown = re.findall(r'<li><a class="govuk-link" href="([^"]+)">([^<]+)</a></li>', home)
    assert [(text, href) for href, text in shown[:10]] == everything[:10]
    assert everything[10][0] not in home
    assert 'href="/attention/">See all 54 things that need your attention</a>' in home
    with CaptureQueriesContext(connection) as first_page:
        first = client.get("/attention/").content.decode()
    second = client.get("/attention/?page=2").content.decode()
    assert "54 things across every cohort" in first
    assert everything[49][0] in first and everything[0][0] in first and everything[-1][0] not in first
    assert everything[-1][0] in second and everything[0][0] not in second
    assert 'rel="next"' in first
    for n in range(3):
        running_cohort_needing_attention(f"Later {n}")
    with CaptureQueriesContext(connection) as more:
        assert client.get("/attention/").status_code == 200
    assert len(more) == len(first_page)


def test_attention_page_is_for_programme_staff_only(client):
    client.force_login(OfficerFactory())
    assert client.get("/attention/").status_code == 403
    client.force_login(MentorFactory())
    assert client.get("/attention/").status_code == 403
