"""Issue 11 part 7: one calendar identity per event. Every kind of .ics the app makes is fetched or
queued as a user would get it and parsed back with `icalendar`: the feed, the schedule download, a
session's invitation download, the invitation attached to each mentoring email, and the attachments of
the training and mentoring reminders. For each event: one UID everywhere, DTSTAMP = the moment the file
was made (not the event's start), SEQUENCE rising with every change, times in Europe/London with the
same VTIMEZONE in every file."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from cohorts.reminders import training_session_reminders
from cohorts.services import session_update
from common.ics import LONDON_VTIMEZONE
from mentoring.models import Booking, CalendarFeed
from mentoring.reminders import booking_reminders
from mentoring.services import booking_accept, booking_cancel, booking_propose, booking_reschedule
from notifications.models import Message
from tests.factories import (
    AvailabilityWindowFactory,
    CohortFactory,
    EnrolmentFactory,
    MentorAllocationFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=LONDON)
WEDNESDAY, THURSDAY = date(2026, 6, 3), date(2026, 6, 4)


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def parsed(text) -> Calendar:
    calendar = Calendar.from_ical(text)
    zones = calendar.walk("VTIMEZONE")
    assert len(zones) == 1, "one VTIMEZONE in every file"
    assert (
        zones[0].to_ical()
        == Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{LONDON_VTIMEZONE}END:VCALENDAR").walk("VTIMEZONE")[0].to_ical()
    ), "the same Europe/London VTIMEZONE in every file"
    for event in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            assert event[name].params["TZID"] == "Europe/London"
            assert event.decoded(name).tzinfo.key == "Europe/London"
    return calendar


def events(text) -> dict[str, tuple[int, datetime]]:
    """UID -> (SEQUENCE, DTSTAMP) of every event in one file."""
    return {str(e["UID"]): (int(e["SEQUENCE"]), e.decoded("DTSTAMP")) for e in parsed(text).walk("VEVENT")}


@pytest.fixture
def world(client):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        cohort = CohortFactory(start_date=date(2026, 4, 1), status="running", project_time_hours=2)
        officer = EnrolmentFactory(cohort=cohort).officer
        session = TrainingSessionFactory(
            cohort=cohort, week_number=10, starts_at=at(WEDNESDAY, 10), ends_at=at(WEDNESDAY, 16)
        )
        mentor = AvailabilityWindowFactory(weekday=3, starts_time=time(10), ends_time=time(16)).mentor
        MentorAllocationFactory(officer=officer, mentor=mentor)
        yield {"officer": officer, "mentor": mentor, "session": session, "client": client, "time": traveller}


def _feed(client, officer) -> str:
    feed, _ = CalendarFeed.objects.get_or_create(user=officer)
    return client.get(f"/mentoring/calendar/feed/{feed.token}.ics").content.decode()


def test_a_training_session_has_one_identity_in_the_download_the_feed_and_the_reminder(world):
    client, officer, session = world["client"], world["officer"], world["session"]
    client.force_login(officer)
    now = datetime.now(UTC)
    files = {
        "download": client.get("/cohorts/schedule.ics").content.decode(),
        "feed": _feed(client, officer),
        "reminder": next(iter(training_session_reminders(now))).attachments[0]["content"],
    }
    uid = f"training-session-{session.pk}@lotibootcamp"
    for kind, text in files.items():
        assert events(text)[uid] == (0, now), kind  # DTSTAMP is when the file was made, not the session start

    world["time"].shift(timedelta(minutes=5))
    later = datetime.now(UTC)
    session_update(session=session, day=WEDNESDAY, starts=time(11), ends=time(16), topic="Splink")
    files = {
        "download": client.get("/cohorts/schedule.ics").content.decode(),
        "feed": _feed(client, officer),
        "reminder": next(iter(training_session_reminders(later))).attachments[0]["content"],
    }
    for kind, text in files.items():
        assert events(text)[uid] == (1, later), kind
    reminder = next(iter(training_session_reminders(later))).attachments[0]
    assert reminder["mimetype"] == "text/calendar; method=PUBLISH"
    assert "METHOD:PUBLISH" in reminder["content"]


def test_a_mentoring_session_has_one_identity_in_every_email_the_download_and_the_feed(world):
    client, officer, mentor = world["client"], world["officer"], world["mentor"]
    booking = booking_propose(mentor=mentor, officer=officer, starts_at=at(THURSDAY, 10), agenda="Blocking rules")
    uid = f"booking-{booking.uid}@bootcamp.loti.london"
    stamps = []
    for change in (
        lambda: booking_accept(booking=booking, officer=officer),
        lambda: booking_reschedule(booking=booking, by=officer, starts_at=at(THURSDAY, 14)),
        lambda: booking_cancel(booking=booking, by=officer),
    ):
        world["time"].shift(timedelta(minutes=1))
        stamps.append(datetime.now(UTC))
        if len(stamps) == 2:  # before it is cancelled, the download, the feed and the reminders carry it too
            client.force_login(officer)
            now = datetime.now(UTC)
            booking.refresh_from_db()
            assert events(client.get(f"/mentoring/sessions/{booking.pk}/invite.ics").content.decode())[uid] == (1, now)
            assert events(_feed(client, officer))[uid] == (1, now)
            with time_machine.travel(at(WEDNESDAY, 8, 30), tick=False):
                reminder = next(iter(booking_reminders(datetime.now(UTC))))
                assert events(reminder.attachments[0]["content"])[uid] == (1, datetime.now(UTC))
        change()

    sent = []
    for message in Message.objects.filter(kind__startswith="mentoring_").order_by("pk"):
        for attachment in message.attachments:
            method = attachment["mimetype"].split("method=")[1]
            assert f"METHOD:{method}" in attachment["content"]
            sent.append((message.kind, *events(attachment["content"])[uid]))
    assert [(kind, sequence) for kind, sequence, _ in sent] == [
        ("mentoring_proposed", 0),
        ("mentoring_accepted", 1),
        ("mentoring_accepted", 1),
        ("mentoring_moved", 2),
        ("mentoring_moved", 2),
        ("mentoring_cancelled", 3),
        ("mentoring_cancelled", 3),
    ]
    # Each invitation is stamped when it was made: the proposal at the start, each change a minute later.
    assert [stamp for *_, stamp in sent] == [MONDAY.astimezone(UTC)] + [s for s in stamps for _ in (1, 2)]
    assert Booking.objects.get(pk=booking.pk).sequence == 3
