"""Registers open on the session's day and never for a cancelled session; marks for a session that
has not happened cannot put anyone at risk."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cohorts.models import Attendance, Cohort
from tests.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    MentorFactory,
    StaffFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = date(2027, 3, 2)  # a Tuesday
NOW = datetime.combine(TODAY, time(8, 30), tzinfo=LONDON)  # before today's 10:00 session


@pytest.fixture(autouse=True)
def tuesday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


def session_on(cohort, week_number: int, day: date, **kwargs):
    return TrainingSessionFactory(
        cohort=cohort,
        week_number=week_number,
        starts_at=datetime.combine(day, time(10), tzinfo=LONDON),
        ends_at=datetime.combine(day, time(16), tzinfo=LONDON),
        **kwargs,
    )


@pytest.fixture
def cohort():
    return CohortFactory(
        start_date=TODAY - timedelta(weeks=1), training_weekday=Cohort.Weekday.TUESDAY, status="running"
    )


def url(session) -> str:
    return f"/cohorts/{session.cohort.slug}/sessions/{session.pk}/register/"


def test_a_future_register_says_when_it_opens_and_shows_no_form(client, cohort):
    session = session_on(cohort, 3, TODAY + timedelta(weeks=1))
    EnrolmentFactory(cohort=cohort)
    client.force_login(StaffFactory())
    response = client.get(url(session))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The register for week 3 opens on Tuesday 9 March 2027, the day of the session." in html
    assert "Save register" not in html


def test_a_future_register_refuses_a_post_and_saves_nothing(client, cohort):
    session = session_on(cohort, 3, TODAY + timedelta(weeks=1))
    enrolment = EnrolmentFactory(cohort=cohort)
    client.force_login(MentorFactory())
    response = client.post(url(session), {f"mark_{enrolment.pk}": "absent"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "<title>Error: " in html
    assert 'href="#register-closed">The register for week 3 opens on Tuesday 9 March 2027' in html
    assert Attendance.objects.count() == 0


def test_a_cancelled_sessions_register_is_refused(client, cohort):
    session = session_on(cohort, 1, TODAY - timedelta(weeks=1), is_cancelled=True)
    enrolment = EnrolmentFactory(cohort=cohort)
    client.force_login(StaffFactory())
    assert "Week 1 was cancelled, so it has no register." in client.get(url(session)).content.decode()
    response = client.post(url(session), {f"mark_{enrolment.pk}": "present"})
    assert response.status_code == 409
    assert Attendance.objects.count() == 0


def test_todays_register_is_open_before_the_session_starts(client, cohort):
    session = session_on(cohort, 2, TODAY)
    enrolment = EnrolmentFactory(cohort=cohort)
    client.force_login(StaffFactory())
    assert "Save register" in client.get(url(session)).content.decode()
    assert client.post(url(session), {f"mark_{enrolment.pk}": "excused"}).status_code == 302
    assert list(Attendance.objects.values_list("mark", flat=True)) == ["excused"]


def test_cohort_page_links_only_to_registers_that_are_open(client, cohort):
    held = session_on(cohort, 1, TODAY - timedelta(weeks=1))
    today = session_on(cohort, 2, TODAY)
    future = session_on(cohort, 3, TODAY + timedelta(weeks=1))
    cancelled = session_on(cohort, 4, TODAY - timedelta(days=1), is_cancelled=True)
    client.force_login(StaffFactory())
    html = client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert f'href="{url(held)}"' in html
    assert f'href="{url(today)}"' in html
    assert f'href="{url(future)}"' not in html
    assert "Register opens 9 Mar" in html
    assert f'href="{url(cancelled)}"' not in html


def test_absences_saved_for_sessions_that_have_not_happened_put_nobody_at_risk(client, cohort):
    # Marks written before registers were refused ahead of time (or for today's session before it starts).
    enrolment = EnrolmentFactory(cohort=cohort)
    AttendanceFactory(session=session_on(cohort, 1, TODAY - timedelta(weeks=1)), enrolment=enrolment, mark="present")
    for week, day in ((2, TODAY), (3, TODAY + timedelta(weeks=1)), (4, TODAY + timedelta(weeks=2))):
        AttendanceFactory(session=session_on(cohort, week, day), enrolment=enrolment, mark="absent")
    client.force_login(StaffFactory())
    assert "No officer is at risk." in client.get(f"/cohorts/{cohort.slug}/").content.decode()
    client.force_login(enrolment.officer)
    html = client.get("/cohorts/attendance/").content.decode()
    assert "You have missed two or more of your last four sessions" not in html
