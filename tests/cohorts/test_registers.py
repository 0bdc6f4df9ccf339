"""Registers open on the session's day and never for a cancelled session; marks for a session that
has not happened cannot put anyone at risk."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils.html import escape

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


# --- one save for the whole register ---


def test_todays_register_warns_that_the_session_has_not_happened_yet(client, cohort):
    session = session_on(cohort, 2, TODAY)
    EnrolmentFactory(cohort=cohort)
    client.force_login(StaffFactory())
    html = client.get(url(session)).content.decode()
    assert "Week 2 has not happened yet: it starts at 10:00 today." in html
    with time_machine.travel(datetime.combine(TODAY, time(10, 5), tzinfo=LONDON), tick=False):
        assert "has not happened yet" not in client.get(url(session)).content.decode()


def test_a_mark_for_everyone_and_one_exception_save_the_whole_register_in_one_post(client, cohort):
    session = session_on(cohort, 1, TODAY - timedelta(weeks=1))
    officers = [EnrolmentFactory(cohort=cohort) for _ in range(15)]
    late = officers[3]
    staff = StaffFactory()
    client.force_login(staff)
    response = client.post(url(session), {"default": "present", f"mark_{late.pk}": "late"})
    assert response.status_code == 302
    marks = dict(Attendance.objects.values_list("enrolment_id", "mark"))
    assert marks == {e.pk: ("late" if e == late else "present") for e in officers}
    assert set(Attendance.objects.values_list("recorded_by", flat=True)) == {staff.pk}


def test_without_a_mark_for_everyone_each_officer_needs_one(client, cohort):
    session = session_on(cohort, 1, TODAY - timedelta(weeks=1))
    marked, unmarked = EnrolmentFactory(cohort=cohort), EnrolmentFactory(cohort=cohort)
    client.force_login(StaffFactory())
    html = client.post(url(session), {f"mark_{marked.pk}": "present"}).content.decode()
    assert f"Choose a mark for {escape(unmarked.officer.full_name)}, or a mark for everyone you do not mark" in html
    assert Attendance.objects.count() == 0


def test_mark_everyone_present_fills_the_form_in_and_saves_nothing(client, cohort):
    session = session_on(cohort, 1, TODAY - timedelta(weeks=1))
    enrolments = [EnrolmentFactory(cohort=cohort) for _ in range(3)]
    client.force_login(StaffFactory())
    html = client.post(url(session), {"fill_present": ""}).content.decode()
    assert "Everyone is marked present." in html
    assert all(_checked(html, enrolment.pk, "present") for enrolment in enrolments)
    assert Attendance.objects.count() == 0


def _checked(html: str, enrolment_id: int, mark: str) -> bool:
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="mark_{enrolment_id}"' in tag and f'value="{mark}"' in tag:
            return "checked" in tag
    return False


def test_same_as_last_week_copies_the_previous_register(client, cohort):
    last = session_on(cohort, 1, TODAY - timedelta(weeks=1))
    this = session_on(cohort, 2, TODAY)
    away, here, new = (EnrolmentFactory(cohort=cohort) for _ in range(3))
    AttendanceFactory(session=last, enrolment=away, mark="excused")
    AttendanceFactory(session=last, enrolment=here, mark="present")
    client.force_login(StaffFactory())
    html = client.post(url(this), {"fill_last_week": ""}).content.decode()
    assert "Marks copied from last week’s register for 2 of 3 officers." in html
    assert _checked(html, away.pk, "excused")
    assert _checked(html, here.pk, "present")
    assert not any(_checked(html, new.pk, mark) for mark in ("present", "late", "absent", "excused"))
    assert Attendance.objects.filter(session=this).count() == 0
