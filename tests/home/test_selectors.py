from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohorts.models import Enrolment
from home.selectors import AttentionItem, staff_attention
from notifications.models import Message
from projects.models import Milestone
from tests.factories import (
    AttendanceFactory,
    CascadeSessionFactory,
    CohortFactory,
    EnrolmentFactory,
    MessageFactory,
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

    # Cohorts in start-date order: the running pilot first, then the recruiting intake.
    assert staff_attention() == [
        AttentionItem("1 officer at risk in Pilot", f"/cohorts/{running.slug}/"),
        AttentionItem("1 milestone waiting for sign-off in Pilot", f"/projects/cohort/{running.slug}/"),
        AttentionItem("1 overdue milestone in Pilot", f"/projects/cohort/{running.slug}/?overdue=yes"),
        AttentionItem("2 applications to decide on in Spring intake", "/cohorts/spring-intake/applications/"),
        AttentionItem("1 cascade session to verify", "/trainers/sessions/"),
        AttentionItem("1 email failed to send", "/notifications/outbox/?status=failed"),
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
    assert "1 overdue milestone in More 2" in response.content.decode()
    assert len(many) == len(one)
