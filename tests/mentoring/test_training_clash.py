"""Issue 11 part 5: mentoring never clashes with the officer's own taught training time. Every page that
offers a slot (the officer's booking page, pooled office hours, moving a session, the mentor's
scheduling page) and every service that books one use one rule, and office hours run in project time."""

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils.html import escape

from mentoring.models import Booking
from tests.factories import (
    AvailabilityWindowFactory,
    BookingFactory,
    CohortFactory,
    EnrolmentFactory,
    MentorAllocationFactory,
    StreamFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=LONDON)  # Thursday 3 December 2026
TUESDAY = date(2026, 12, 8)


def at(hour, minute=0, day=TUESDAY):
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def value(mentor, moment):
    return f"{mentor.pk}:{moment:%Y%m%dT%H%M}"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _officer_in_week_10(*, project_time_hours=0, stream=None):
    """The issue's officer: their week-10 session runs 10:00 to 16:00 on Tuesday 8 December."""
    cohort = CohortFactory(start_date=date(2026, 9, 29), status="running", project_time_hours=project_time_hours)
    enrolment = EnrolmentFactory(cohort=cohort, stream=stream(cohort) if stream else None)
    TrainingSessionFactory(cohort=cohort, week_number=10, starts_at=at(10), ends_at=at(16))
    return enrolment.officer


def _mentor_of(officer):
    mentor = AvailabilityWindowFactory(weekday=1, starts_time=time(10), ends_time=time(16)).mentor
    MentorAllocationFactory(officer=officer, mentor=mentor)
    return mentor


def _offered(html: str, mentor) -> set[str]:
    return set(re.findall(rf'value="{mentor.pk}:(\d{{8}}T\d{{4}})"', html))


def test_booking_page_never_offers_a_slot_in_the_officers_taught_time(client):
    officer = _officer_in_week_10()
    mentor = _mentor_of(officer)
    client.force_login(officer)
    offered = _offered(client.get(f"/mentoring/mentors/{mentor.pk}/book/").content.decode(), mentor)
    assert f"{at(10):%Y%m%dT%H%M}" not in offered
    assert not [stamp for stamp in offered if stamp.startswith("20261208")]
    assert f"{at(10, day=date(2026, 12, 15)):%Y%m%dT%H%M}" in offered  # the next Tuesday is no training day


def test_pooled_office_hours_never_offer_a_slot_in_the_officers_taught_time(client):
    officer = _officer_in_week_10()
    mentor = _mentor_of(officer)
    client.force_login(officer)
    html = client.get("/mentoring/office-hours/?date=2026-12-08").content.decode()
    assert not _offered(html, mentor)
    assert "No mentor has a free time that day." in html
    assert "Your training that day is taught from 10am to 4pm" in html


def test_booking_a_taught_slot_by_hand_is_refused_with_the_reason(client):
    officer = _officer_in_week_10()
    mentor = _mentor_of(officer)
    client.force_login(officer)
    response = client.post(f"/mentoring/mentors/{mentor.pk}/book/", {"slot": value(mentor, at(10)), "agenda": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert escape("That time is during your training, taught from 10am to 4pm.") in html
    assert not Booking.objects.exists()


def test_project_time_is_offered_the_same_on_the_officers_and_the_mentors_pages(client):
    officer = _officer_in_week_10(project_time_hours=2)
    mentor = _mentor_of(officer)
    client.force_login(officer)
    officer_side = _offered(client.get(f"/mentoring/mentors/{mentor.pk}/book/").content.decode(), mentor)
    pooled = _offered(client.get("/mentoring/office-hours/?date=2026-12-08").content.decode(), mentor)
    client.force_login(mentor)
    mentor_side = _offered(client.get(f"/mentoring/mentees/{officer.pk}/schedule/").content.decode(), mentor)
    tuesday = {stamp for stamp in officer_side if stamp.startswith("20261208")}
    assert tuesday == {f"{at(14):%Y%m%dT%H%M}", f"{at(15):%Y%m%dT%H%M}"}  # 45 minutes plus 15 of buffer
    assert pooled == tuesday
    assert mentor_side == officer_side


def test_mentor_cannot_schedule_a_mentee_in_their_taught_time(client):
    officer = _officer_in_week_10(project_time_hours=2)
    mentor = _mentor_of(officer)
    client.force_login(mentor)
    response = client.post(
        f"/mentoring/mentees/{officer.pk}/schedule/", {"slot": value(mentor, at(13)), "agenda": "Review"}
    )
    assert escape(f"That time is during {officer.full_name}’s training, taught from 10am to 2pm.") in (
        response.content.decode()
    )
    assert not Booking.objects.exists()


def test_a_session_cannot_be_moved_into_the_officers_taught_time(client):
    officer = _officer_in_week_10(project_time_hours=2)
    mentor = _mentor_of(officer)
    booking = BookingFactory(mentor=mentor, officer=officer, starts_at=at(14), ends_at=at(14, 45))
    client.force_login(officer)
    page = client.get(f"/mentoring/sessions/{booking.pk}/move/").content.decode()
    assert f"{at(11):%Y%m%dT%H%M}" not in _offered(page, mentor)
    response = client.post(f"/mentoring/sessions/{booking.pk}/move/", {"slot": value(mentor, at(11))})
    assert escape("That time is during your training, taught from 10am to 2pm.") in response.content.decode()
    booking.refresh_from_db()
    assert booking.starts_at == at(14)


def test_an_officer_whose_stream_skips_the_week_can_book_that_day(client):
    officer = _officer_in_week_10(stream=lambda cohort: StreamFactory(cohort=cohort, first_week=1, last_week=8))
    mentor = _mentor_of(officer)
    client.force_login(officer)
    offered = _offered(client.get(f"/mentoring/mentors/{mentor.pk}/book/").content.decode(), mentor)
    assert f"{at(10):%Y%m%dT%H%M}" in offered


def test_a_cancelled_training_session_frees_the_day(client):
    officer = _officer_in_week_10()
    officer.enrolments.get().cohort.sessions.update(is_cancelled=True)
    mentor = _mentor_of(officer)
    client.force_login(officer)
    offered = _offered(client.get(f"/mentoring/mentors/{mentor.pk}/book/").content.decode(), mentor)
    assert f"{at(10):%Y%m%dT%H%M}" in offered


def test_staff_set_project_time_on_the_cohort_edit_page(client):
    from tests.factories import StaffFactory

    cohort = CohortFactory(status="running")
    client.force_login(StaffFactory())
    page = client.get(f"/cohorts/{cohort.slug}/edit/").content.decode()
    assert "Project time at the end of each day of training, in hours (optional)" in page
    response = client.post(
        f"/cohorts/{cohort.slug}/edit/",
        {
            "name": cohort.name,
            "capacity": "15",
            "status": "running",
            "bank_holiday_rule": "same_week",
            "project_time_hours": "2",
        },
    )
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.project_time_hours == 2
    response = client.post(
        f"/cohorts/{cohort.slug}/edit/",
        {
            "name": cohort.name,
            "capacity": "15",
            "status": "running",
            "bank_holiday_rule": "same_week",
            "project_time_hours": "9",
        },
    )
    assert "Project time can be at most 6 hours" in response.content.decode()
