import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from icalendar import Calendar

from mentoring.models import Booking, CalendarFeed
from mentoring.services import booking_reschedule
from notifications.models import Message
from tests.factories import (
    AvailabilityWindowFactory,
    BookingFactory,
    CohortFactory,
    EnrolmentFactory,
    MentorAllocationFactory,
    MentorProfileFactory,
    OfficerFactory,
    StaffFactory,
    TrainingSessionFactory,
)
from tests.page_cost import page_cost

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=LONDON)
TUESDAY = date(2026, 3, 24)


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def value(mentor, moment):
    return f"{mentor.pk}:{moment.astimezone(UTC):%Y%m%dT%H%M}"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mentor():
    return AvailabilityWindowFactory(weekday=1, starts_time=time(10), ends_time=time(13)).mentor


def test_officer_books_a_slot_and_sees_the_confirmation(client, mentor):
    officer = OfficerFactory()
    client.force_login(officer)
    page = client.get(f"/mentoring/mentors/{mentor.pk}/book/")
    assert value(mentor, at(TUESDAY, 11)) in page.content.decode()
    response = client.post(
        f"/mentoring/mentors/{mentor.pk}/book/", {"slot": value(mentor, at(TUESDAY, 11)), "agenda": "Splink"}
    )
    booking = Booking.objects.get()
    assert response["Location"] == f"/mentoring/sessions/{booking.pk}/booked/"
    assert "Session booked" in client.get(response["Location"]).content.decode()
    assert Message.objects.filter(to_email=officer.email).get().attachments[0]["filename"] == "mentoring-session.ics"


@pytest.mark.parametrize(
    "slot",
    [
        "garbage",
        "999999:20260324T1100",
        "{mentor}:20260324T1020",
        "{mentor}:20260317T1000",
        "{mentor}:20260324T1500",
        "{mentor}:99991231T2359",  # a time whose session would end past the year 9999
        "{mentor}:20270324T1100",  # beyond the three weeks on offer
        "-1:20260324T1100",
        "99999999999999999999:20260324T1100",
    ],
)
def test_tampered_slot_is_refused_with_an_error_summary(client, mentor, slot):
    client.force_login(OfficerFactory())
    response = client.post(
        f"/mentoring/mentors/{mentor.pk}/book/", {"slot": slot.format(mentor=mentor.pk), "agenda": "Help"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "<title>Error: " in html
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("slot", ["{mentor}:99991231T2359", "{mentor}:00010101T0000", "{mentor}:2026-03-24T11:00"])
def test_tampered_slot_on_the_move_page_is_refused_and_moves_nothing(client, mentor, slot):
    booking = BookingFactory(mentor=mentor, starts_at=at(TUESDAY, 11), ends_at=at(TUESDAY, 11, 45))
    for person in (booking.officer, mentor):
        client.force_login(person)
        response = client.post(f"/mentoring/sessions/{booking.pk}/move/", {"slot": slot.format(mentor=mentor.pk)})
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
    booking.refresh_from_db()
    assert (booking.starts_at, booking.sequence) == (at(TUESDAY, 11), 0)


def test_taken_slot_answers_with_the_nearest_free_times(client, mentor):
    BookingFactory(mentor=mentor, starts_at=at(TUESDAY, 11), ends_at=at(TUESDAY, 11, 45))
    client.force_login(OfficerFactory())
    response = client.post(
        f"/mentoring/mentors/{mentor.pk}/book/", {"slot": value(mentor, at(TUESDAY, 11)), "agenda": "x"}
    )
    assert "just been booked by someone else" in response.content.decode()
    assert "Tuesday 24 March, 10am to 10:45am" in response.content.decode()


def test_pooled_office_hours_lists_every_mentor_in_the_training_days_project_time(client, mentor):
    """The pilot teaches 10:00 to 14:00 and leaves 14:00 to 16:00 for projects: office hours run then.
    `mentor` offers only 10:00 to 13:00, which is taught time, so they are not offered at all."""
    other = AvailabilityWindowFactory(weekday=1, starts_time=time(14), ends_time=time(15)).mentor
    officer = OfficerFactory()
    cohort = CohortFactory(start_date=TUESDAY, status="running", project_time_hours=2)
    EnrolmentFactory(cohort=cohort, officer=officer)
    TrainingSessionFactory(cohort=cohort, week_number=1, starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 16))
    client.force_login(officer)
    html = client.get("/mentoring/office-hours/").content.decode()
    assert f"with {escape(mentor.full_name)}" not in html
    assert f"Tuesday 24 March, 2pm to 2:45pm with {escape(other.full_name)}" in html
    assert "Office hours run in project time, from 2pm to 4pm." in html


def test_pooled_office_hours_opens_on_the_first_training_day_with_free_times(client, mentor):
    officer = OfficerFactory()
    cohort = CohortFactory(start_date=TUESDAY - timedelta(days=7), status="running", project_time_hours=2)
    AvailabilityWindowFactory(mentor=mentor, weekday=1, starts_time=time(14), ends_time=time(16))
    EnrolmentFactory(cohort=cohort, officer=officer)
    # Friday 20 March (today, 09:00): past every mentor's notice, and no window on Fridays anyway.
    today = NOW.date()
    TrainingSessionFactory(cohort=cohort, week_number=1, starts_at=at(today, 10), ends_at=at(today, 16))
    TrainingSessionFactory(cohort=cohort, week_number=2, starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 16))
    client.force_login(officer)
    queries, _, html = page_cost(client, "/mentoring/office-hours/")
    assert "Free times of every mentor on Tuesday 24 March 2026" in html
    assert f"Tuesday 24 March, 2pm to 2:45pm with {escape(mentor.full_name)}" in html
    assert "10am to 10:45am" not in html
    # The free times found to choose the day are the page's: no second search for them.
    assert queries == page_cost(client, f"/mentoring/office-hours/?date={TUESDAY}")[0]


def test_officer_cannot_see_or_cancel_another_officers_booking(client):
    booking = BookingFactory(notes="Private notes")
    client.force_login(OfficerFactory())
    for url in (f"/mentoring/sessions/{booking.pk}/", f"/mentoring/sessions/{booking.pk}/invite.ics"):
        assert client.get(url).status_code == 404
    assert client.post(f"/mentoring/sessions/{booking.pk}/cancel/").status_code == 404
    assert client.post(f"/mentoring/sessions/{booking.pk}/feedback/", {"rating": 1}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_notes_are_visible_to_the_mentor_the_officer_and_staff(client):
    booking = BookingFactory(notes="Private notes")
    for person in (booking.mentor, booking.officer, StaffFactory()):
        client.force_login(person)
        assert "Private notes" in client.get(f"/mentoring/sessions/{booking.pk}/").content.decode()


def test_roles_are_enforced(client):
    client.force_login(OfficerFactory())
    for url in ("/mentoring/availability/", "/mentoring/allocations/", "/mentoring/utilisation/"):
        assert client.get(url).status_code == 403, url
    client.force_login(StaffFactory())
    assert client.get("/mentoring/office-hours/").status_code == 403
    assert client.get("/mentoring/allocations/").status_code == 200
    assert client.get("/mentoring/utilisation/").status_code == 200


def test_officer_cancels_own_booking_but_not_after_it_started(client, mentor):
    booking = BookingFactory(mentor=mentor, starts_at=NOW + timedelta(hours=3), ends_at=NOW + timedelta(hours=4))
    started = BookingFactory(
        officer=booking.officer, starts_at=NOW - timedelta(minutes=5), ends_at=NOW + timedelta(minutes=40)
    )
    client.force_login(booking.officer)
    client.post(f"/mentoring/sessions/{booking.pk}/cancel/")
    refused = client.post(f"/mentoring/sessions/{started.pk}/cancel/")
    assert "already started" in refused.content.decode()
    booking.refresh_from_db()
    started.refresh_from_db()
    assert (booking.status, booking.late_cancellation, started.status) == ("cancelled", True, "confirmed")


def test_booking_invite_parses_back_with_uid_sequence_and_london_timezone(client, mentor):
    booking = BookingFactory(mentor=mentor, starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 10, 45))
    client.force_login(booking.officer)
    first = Calendar.from_ical(client.get(f"/mentoring/sessions/{booking.pk}/invite.ics").content)
    booking_reschedule(booking=booking, by=booking.officer, starts_at=at(TUESDAY, 12))
    second = Calendar.from_ical(client.get(f"/mentoring/sessions/{booking.pk}/invite.ics").content)
    events = [cal.walk("VEVENT")[0] for cal in (first, second)]
    assert str(second["method"]) == "REQUEST"
    assert str(events[0]["uid"]) == str(events[1]["uid"]) == f"booking-{booking.uid}@bootcamp.loti.london"
    assert [int(e["sequence"]) for e in events] == [0, 1]
    assert events[1]["dtstart"].params["TZID"] == "Europe/London"
    assert events[1].decoded("dtstart") == at(TUESDAY, 12)
    assert [str(tz["tzid"]) for tz in second.walk("VTIMEZONE")] == ["Europe/London"]


def test_invite_timezone_is_the_rrule_europe_london_outlook_reads(client, mentor):
    """Outlook misreads RDATE lists and a leading 1970 "BST +0100" observance (events an hour off); it
    reads one STANDARD and one DAYLIGHT with yearly rules, as Google writes them."""
    booking = BookingFactory(mentor=mentor, starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 10, 45))
    client.force_login(booking.officer)
    for url in (f"/mentoring/sessions/{booking.pk}/invite.ics", f"/mentoring/calendar/feed/{_feed_token(client)}.ics"):
        (zone,) = Calendar.from_ical(client.get(url).content).walk("VTIMEZONE")
        rules = {
            sub.name: (sub["tzoffsetfrom"].td, sub["tzoffsetto"].td, sub["rrule"].to_ical().decode())
            for sub in zone.subcomponents
        }
        assert str(zone["tzid"]) == "Europe/London"
        assert rules == {
            "DAYLIGHT": (timedelta(0), timedelta(hours=1), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
            "STANDARD": (timedelta(hours=1), timedelta(0), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
        }
        assert not any("RDATE" in sub for sub in zone.subcomponents)
        london = zone.to_tz()
        clock = [
            datetime.fromisoformat(moment).astimezone(london).strftime("%H:%M%z")
            for moment in ("2026-03-29T00:59Z", "2026-03-29T01:00Z", "2026-10-25T00:59Z", "2026-10-25T01:00Z")
        ]
        assert clock == ["00:59+0000", "02:00+0100", "01:59+0100", "01:00+0000"]


def _feed_token(client) -> str:
    client.post("/mentoring/calendar/reset/")
    return CalendarFeed.objects.get().token


def test_calendar_feed_by_token_and_reset(client):
    officer = OfficerFactory()
    cohort = CohortFactory(start_date=TUESDAY, status="running")
    EnrolmentFactory(cohort=cohort, officer=officer)
    TrainingSessionFactory(cohort=cohort, week_number=1)
    BookingFactory(officer=officer)
    client.force_login(officer)
    assert "/mentoring/calendar/feed/" not in client.get("/mentoring/calendar/").content.decode()
    assert not CalendarFeed.objects.exists()  # a GET makes nothing
    response = client.post("/mentoring/calendar/reset/", follow=True)
    assert "Your private calendar link is ready." in response.content.decode()
    assert "/mentoring/calendar/feed/" in response.content.decode()
    token = CalendarFeed.objects.get(user=officer).token
    client.logout()
    feed = Calendar.from_ical(client.get(f"/mentoring/calendar/feed/{token}.ics").content)
    assert sorted(str(e["summary"]).split(":")[0] for e in feed.walk("VEVENT")) == [
        "Bootcamp training day, week 1",
        "Mentoring",
    ]
    assert client.get("/mentoring/calendar/feed/not-a-token.ics").status_code == 404
    for tampered in ("%00", "a%00b", "%C3%A9", "..%2F..%2Fetc"):  # a NUL reached PostgreSQL and gave a 500
        assert client.get(f"/mentoring/calendar/feed/{tampered}.ics").status_code == 404, tampered
    client.force_login(officer)
    client.post("/mentoring/calendar/reset/")
    client.logout()
    assert client.get(f"/mentoring/calendar/feed/{token}.ics").status_code == 404
    assert client.get(f"/mentoring/calendar/feed/{CalendarFeed.objects.get().token}.ics").status_code == 200


def test_mentor_home_lists_mentees_with_no_recent_session(client, mentor):
    quiet = MentorAllocationFactory(mentor=mentor)
    busy = MentorAllocationFactory(mentor=mentor)
    BookingFactory(
        mentor=mentor,
        officer=busy.officer,
        starts_at=NOW - timedelta(days=3),
        ends_at=NOW - timedelta(days=3) + timedelta(minutes=45),
    )
    missed = MentorAllocationFactory(mentor=mentor)
    BookingFactory(
        mentor=mentor,
        officer=missed.officer,
        starts_at=NOW - timedelta(days=2),
        ends_at=NOW - timedelta(days=2) + timedelta(minutes=45),
        status="no_show",
    )
    client.force_login(mentor)
    html = client.get("/").content.decode()
    section = html.split("No session in the last 14 days")[1].split("My mentees")[0]
    assert escape(quiet.officer.full_name) in section
    assert escape(missed.officer.full_name) in section  # a no-show is not contact
    assert escape(busy.officer.full_name) not in section


def test_booking_list_query_count_does_not_grow_with_rows(client):
    officer = OfficerFactory()
    client.force_login(officer)
    BookingFactory(officer=officer)
    with CaptureQueriesContext(connection) as one:
        client.get("/mentoring/")
    for days in range(4, 10):
        BookingFactory(
            officer=officer, starts_at=NOW + timedelta(days=days), ends_at=NOW + timedelta(days=days, hours=1)
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/mentoring/")
    assert len(many) == len(one)


def test_office_hours_queries_and_bookings_built_do_not_grow_with_mentors_and_bookings(client, mentor):
    officer = OfficerFactory()
    client.force_login(officer)
    url = f"/mentoring/office-hours/?date={TUESDAY}"
    queries, built, page = page_cost(client, url)
    assert f"with {escape(mentor.full_name)}" in page
    for hour in (14, 15, 16):
        other = AvailabilityWindowFactory(weekday=1, starts_time=time(10), ends_time=time(13)).mentor
        BookingFactory(mentor=other, starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 10, 45))
        BookingFactory(mentor=mentor, starts_at=at(TUESDAY, hour), ends_at=at(TUESDAY, hour, 45))
    more_queries, more_built, _ = page_cost(client, url)
    # Bookings are read as times, not built as model instances (hundreds at a programme's scale).
    assert (more_queries, more_built["Booking"]) == (queries, built["Booking"])


# --- availability: one-off times and leave ----------------------------------------------------------

THURSDAY = date(2026, 3, 26)


def slot_values(client, mentor) -> list[str]:
    page = client.get(f"/mentoring/mentors/{mentor.pk}/book/").content.decode()
    return re.findall(r'value="(\d+:\d{8}T\d{4})"', page)


def date_fields(prefix: str, name: str, day: date) -> dict:
    return {f"{prefix}-{name}_0": day.day, f"{prefix}-{name}_1": day.month, f"{prefix}-{name}_2": day.year}


def test_mentor_adds_and_removes_a_one_off_time_and_officers_see_its_slots(client, mentor):
    officer = OfficerFactory()
    client.force_login(officer)
    before = slot_values(client, mentor)

    client.force_login(mentor)
    response = client.post(
        "/mentoring/availability/one-off/",
        {**date_fields("one_off", "on_date", THURSDAY), "one_off-starts_time": "13:00", "one_off-ends_time": "15:00"},
        follow=True,
    )
    assert "Time added on Thursday 26 March." in response.content.decode()
    assert "Thursday 26 March 2026" in response.content.decode()

    client.force_login(officer)
    added = [value(mentor, at(THURSDAY, 13)), value(mentor, at(THURSDAY, 14))]
    assert slot_values(client, mentor) == sorted(before + added, key=lambda v: v.split(":")[1])

    client.force_login(mentor)
    window = mentor.availability_windows.get(on_date=THURSDAY)
    client.post(f"/mentoring/availability/{window.pk}/delete/")
    client.force_login(officer)
    assert slot_values(client, mentor) == before


def test_mentor_adds_and_removes_leave_and_it_changes_the_free_slots(client, mentor):
    officer = OfficerFactory()
    client.force_login(officer)
    assert [v for v in slot_values(client, mentor) if "20260324" in v] == [
        value(mentor, at(TUESDAY, 10)),
        value(mentor, at(TUESDAY, 11)),
        value(mentor, at(TUESDAY, 12)),
    ]

    client.force_login(mentor)
    fields = {**date_fields("leave", "starts_on", TUESDAY), **date_fields("leave", "ends_on", TUESDAY)}
    response = client.post("/mentoring/availability/leave/", {**fields, "leave-reason": "Conference"}, follow=True)
    assert "Leave added." in response.content.decode()
    client.post("/mentoring/availability/leave/", {**fields})  # overlapping leave is fine
    assert mentor.leave.count() == 2

    client.force_login(officer)
    assert [v for v in slot_values(client, mentor) if "20260324" in v] == []

    client.force_login(mentor)
    for leave in mentor.leave.all():
        client.post(f"/mentoring/availability/leave/{leave.pk}/delete/")
    client.force_login(officer)
    assert len([v for v in slot_values(client, mentor) if "20260324" in v]) == 3


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        (
            "/mentoring/availability/one-off/",
            {
                **date_fields("one_off", "on_date", THURSDAY),
                "one_off-starts_time": "15:00",
                "one_off-ends_time": "13:00",
            },
            "The end time must be after the start time",
        ),
        (
            "/mentoring/availability/one-off/",
            {
                **date_fields("one_off", "on_date", date(2026, 3, 19)),
                "one_off-starts_time": "13:00",
                "one_off-ends_time": "15:00",
            },
            "The date must be today or in the future",
        ),
        (
            "/mentoring/availability/one-off/",
            {**date_fields("one_off", "on_date", THURSDAY), "one_off-starts_time": "1pm", "one_off-ends_time": ""},
            "Enter a start time like 13:00",
        ),
        (
            "/mentoring/availability/one-off/",
            {"one_off-on_date_0": "31", "one_off-on_date_1": "2", "one_off-on_date_2": "2026"},
            "Date must be a real date",
        ),
        (
            "/mentoring/availability/leave/",
            {
                **date_fields("leave", "starts_on", THURSDAY),
                **{"leave-ends_on_0": "1", "leave-ends_on_1": "1", "leave-ends_on_2": "99999999999"},
            },
            "Last day away must be a real date",
        ),
        (
            "/mentoring/availability/leave/",
            {**date_fields("leave", "starts_on", THURSDAY), **date_fields("leave", "ends_on", TUESDAY)},
            "The last day away must be the same as or after the first day",
        ),
        (
            "/mentoring/availability/leave/",
            {**date_fields("leave", "starts_on", date(2026, 3, 1)), **date_fields("leave", "ends_on", TUESDAY)},
            "The first day away must be today or in the future",
        ),
        ("/mentoring/availability/leave/", {}, "Enter the first day away"),
    ],
)
def test_availability_forms_refuse_bad_input_with_an_error_summary(client, mentor, url, data, message):
    client.force_login(mentor)
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "<title>Error: " in html
    assert message in html
    assert (mentor.availability_windows.count(), mentor.leave.count()) == (1, 0)


def test_availability_changes_are_for_mentors_and_their_own_times_only(client, mentor):
    other = AvailabilityWindowFactory(kind="one_off", weekday=None, on_date=THURSDAY)
    other_leave = other.mentor.leave.create(starts_on=THURSDAY, ends_on=THURSDAY)
    client.force_login(mentor)
    assert client.post(f"/mentoring/availability/{other.pk}/delete/").status_code == 404
    assert client.post(f"/mentoring/availability/leave/{other_leave.pk}/delete/").status_code == 404
    assert client.get("/mentoring/availability/leave/").status_code == 405
    client.force_login(OfficerFactory())
    assert client.post("/mentoring/availability/leave/", {}).status_code == 403
    assert client.post("/mentoring/availability/one-off/", {}).status_code == 403
    assert (other.mentor.availability_windows.count(), other.mentor.leave.count()) == (1, 1)


# --- utilisation ------------------------------------------------------------------------------------


def test_utilisation_page_shows_a_chart_and_a_table_of_the_same_hours(client):
    cohort = CohortFactory(name="Pilot", status="running", start_date=date(2026, 3, 2), weeks=2)
    mentor = MentorProfileFactory(mentor__full_name="Ada Mentor").mentor
    AvailabilityWindowFactory(mentor=mentor, weekday=1, starts_time=time(10), ends_time=time(16))
    officer = EnrolmentFactory(cohort=cohort).officer
    BookingFactory(
        mentor=mentor, officer=officer, starts_at=at(date(2026, 3, 10), 10), ends_at=at(date(2026, 3, 10), 11)
    )
    client.force_login(StaffFactory())
    html = client.get("/mentoring/utilisation/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert f'<title id="cohort-{cohort.pk}-title">Mentor hours offered, booked and used in Pilot</title>' in svg
    assert "Ada Mentor: 12 h offered, 1 h booked, 1 h used." in svg
    assert re.findall(r">([\d.]+) h</text>", svg) == ["12.0", "1.0", "1.0"]
    table = html[html.index("<table") : html.index("</table>")]
    assert re.findall(r'numeric">([\d.]+)</td>', table) == ["12.0", "1.0", "1.0"]


def test_utilisation_query_count_does_not_grow_with_cohorts_and_mentors(client):
    def add(count):
        for _ in range(count):
            cohort = CohortFactory(status="running", start_date=date(2026, 3, 2))
            mentor = AvailabilityWindowFactory().mentor
            officer = EnrolmentFactory(cohort=cohort).officer
            BookingFactory(mentor=mentor, officer=officer, starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 11))

    client.force_login(StaffFactory())
    add(1)
    with CaptureQueriesContext(connection) as one:
        client.get("/mentoring/utilisation/")
    add(4)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/mentoring/utilisation/").content.decode().count("<svg") == 5
    assert len(one) == len(many)
