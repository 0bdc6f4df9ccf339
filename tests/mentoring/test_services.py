from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from mentoring import selectors
from mentoring.constraints import ACTIVE
from mentoring.models import Booking
from mentoring.services import (
    BookingError,
    SlotTaken,
    booking_accept,
    booking_cancel,
    booking_create,
    booking_propose,
    booking_rate,
    booking_request_move,
    booking_reschedule,
)
from notifications.models import Message
from tests.factories import (
    AvailabilityWindowFactory,
    BookingFactory,
    CohortFactory,
    EnrolmentFactory,
    MentorAllocationFactory,
    OfficerFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Friday; the next Tuesday is 2026-03-24 and the one after, 2026-03-31, is after the clock change.
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=LONDON)
TUESDAY = date(2026, 3, 24)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mentor():
    window = AvailabilityWindowFactory(weekday=1, starts_time=time(10), ends_time=time(13))
    return window.mentor


def starts(slots):
    return [slot.starts_at for slot in slots]


def test_active_statuses_match_the_exclusion_constraint_condition():
    assert sorted(ACTIVE) == sorted(Booking.ACTIVE_STATUSES)


@pytest.mark.parametrize(
    ("before", "after", "utc_before", "utc_after"),
    [
        (date(2026, 3, 22), date(2026, 3, 29), 9, 8),  # GMT to BST
        (date(2026, 10, 18), date(2026, 10, 25), 8, 9),  # BST to GMT
    ],
)
def test_free_slots_keep_london_wall_clock_across_clock_changes(before, after, utc_before, utc_after):
    window = AvailabilityWindowFactory(weekday=6, starts_time=time(9), ends_time=time(10))
    profile = window.mentor.mentor_profile
    profile.session_minutes, profile.buffer_minutes = 60, 0
    profile.save()
    slots = selectors.free_slots(
        mentors=[window.mentor], first_day=before, day_count=8, now=at(before, 0) - timedelta(days=1)
    )
    assert starts(slots) == [
        datetime.combine(before, time(utc_before), tzinfo=UTC),
        datetime.combine(after, time(utc_after), tzinfo=UTC),
    ]
    assert [slot.starts_at.astimezone(LONDON).time() for slot in slots] == [time(9), time(9)]


def test_one_off_window_on_the_clock_change_day_is_in_london_time():
    window = AvailabilityWindowFactory(
        kind="one_off", weekday=None, on_date=date(2026, 3, 29), starts_time=time(14), ends_time=time(15)
    )
    slots = selectors.free_slots(mentors=[window.mentor], first_day=date(2026, 3, 29), day_count=1, now=NOW)
    assert starts(slots) == [datetime(2026, 3, 29, 13, 0, tzinfo=UTC)]


def test_free_slots_step_by_length_plus_buffer(mentor):
    slots = selectors.free_slots(mentors=[mentor], first_day=TUESDAY, day_count=1, now=NOW)
    assert starts(slots) == [at(TUESDAY, 10), at(TUESDAY, 11), at(TUESDAY, 12)]


def test_free_slots_keep_the_buffer_around_an_off_grid_booking(mentor):
    BookingFactory(mentor=mentor, starts_at=at(TUESDAY, 11, 15), ends_at=at(TUESDAY, 12))
    slots = selectors.free_slots(mentors=[mentor], first_day=TUESDAY, day_count=1, now=NOW)
    # 10:00-10:45 ends 30 minutes before; 11:00 and 12:00 fall inside the 15-minute buffers.
    assert starts(slots) == [at(TUESDAY, 10)]


def test_free_slots_respect_minimum_notice(mentor):
    slots = selectors.free_slots(mentors=[mentor], first_day=TUESDAY, day_count=1, now=at(TUESDAY, 0))
    assert starts(slots) == [at(TUESDAY, 12)]  # 12 hours' notice from midnight


def test_free_slots_respect_max_per_day_and_leave(mentor):
    profile = mentor.mentor_profile
    profile.max_sessions_per_day = 1
    profile.save()
    BookingFactory(mentor=mentor, starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 10, 45))
    mentor.leave.create(starts_on=TUESDAY + timedelta(days=7), ends_on=TUESDAY + timedelta(days=7))
    slots = selectors.free_slots(mentors=[mentor], first_day=TUESDAY, day_count=15, now=NOW)
    assert starts(slots) == [at(TUESDAY + timedelta(days=14), h) for h in (10, 11, 12)]


def test_booking_create_confirms_and_emails_an_invitation_to_both(frozen, mentor):
    officer = OfficerFactory()
    booking = booking_create(officer=officer, mentor=mentor, starts_at=at(TUESDAY, 11), agenda="Blocking rules")
    assert (booking.starts_at, booking.ends_at, booking.status) == (at(TUESDAY, 11), at(TUESDAY, 11, 45), "confirmed")
    messages = Message.objects.order_by("to_email")
    assert sorted(m.to_email for m in messages) == sorted([officer.email, mentor.email])
    invite = Calendar.from_ical(messages[0].attachments[0]["content"])
    assert str(invite["method"]) == "REQUEST"


@pytest.mark.parametrize(
    ("when", "error"),
    [
        (at(date(2026, 3, 17), 10), "Choose a time in the future"),
        (NOW.astimezone(UTC) + timedelta(hours=2), "at least 12 hours ahead"),
        (at(TUESDAY, 15), "is not one of"),  # outside the window
        (at(TUESDAY, 10, 20), "is not one of"),  # a tampered time between slots
    ],
)
def test_booking_create_refuses_bad_times_and_saves_nothing(frozen, mentor, when, error):
    with pytest.raises(BookingError, match=error):
        booking_create(officer=OfficerFactory(), mentor=mentor, starts_at=when)
    assert Booking.objects.count() == 0
    assert Message.objects.count() == 0


def test_booking_create_refuses_a_taken_slot_with_the_nearest_free_ones(frozen, mentor):
    BookingFactory(mentor=mentor, starts_at=at(TUESDAY, 11), ends_at=at(TUESDAY, 11, 45))
    with pytest.raises(SlotTaken) as refusal:
        booking_create(officer=OfficerFactory(), mentor=mentor, starts_at=at(TUESDAY, 11))
    assert starts(refusal.value.nearest)[:1] == [at(TUESDAY, 10)]
    assert Booking.objects.count() == 1


def test_booking_create_refuses_overlap_with_the_officers_own_booking(frozen, mentor):
    officer = OfficerFactory()
    BookingFactory(officer=officer, starts_at=at(TUESDAY, 11, 30), ends_at=at(TUESDAY, 12))
    with pytest.raises(BookingError, match="already have a mentoring session"):
        booking_create(officer=officer, mentor=mentor, starts_at=at(TUESDAY, 11))
    assert Booking.objects.count() == 1


def test_booking_create_applies_the_weekly_limit(frozen, mentor, settings):
    settings.MENTORING_MAX_BOOKINGS_PER_WEEK = 2
    officer = OfficerFactory()
    booking_create(officer=officer, mentor=mentor, starts_at=at(TUESDAY, 10))
    booking_create(officer=officer, mentor=mentor, starts_at=at(TUESDAY, 11))
    with pytest.raises(BookingError, match="up to 2 mentoring sessions a week"):
        booking_create(officer=officer, mentor=mentor, starts_at=at(TUESDAY, 12))
    booking_create(officer=officer, mentor=mentor, starts_at=at(TUESDAY + timedelta(days=7), 12))
    assert Booking.objects.filter(officer=officer).count() == 3


def test_booking_cancel_rules(frozen, mentor):
    late = BookingFactory(mentor=mentor, starts_at=NOW + timedelta(hours=5), ends_at=NOW + timedelta(hours=6))
    early = BookingFactory(mentor=mentor, starts_at=NOW + timedelta(days=3), ends_at=NOW + timedelta(days=3, hours=1))
    started = BookingFactory(mentor=mentor, starts_at=NOW - timedelta(minutes=5), ends_at=NOW + timedelta(minutes=40))
    booking_cancel(booking=late, by=late.officer)
    booking_cancel(booking=early, by=early.officer)
    with pytest.raises(BookingError, match="already started"):
        booking_cancel(booking=started, by=started.officer)
    late.refresh_from_db()
    early.refresh_from_db()
    started.refresh_from_db()
    assert [(b.status, b.late_cancellation, b.sequence) for b in (late, early, started)] == [
        ("cancelled", True, 1),
        ("cancelled", False, 1),
        ("confirmed", False, 0),
    ]
    invite = Calendar.from_ical(Message.objects.filter(to_email=late.officer.email).get().attachments[0]["content"])
    assert str(invite["method"]) == "CANCEL"


def test_booking_reschedule_keeps_identity_and_raises_sequence(frozen, mentor):
    booking = booking_create(officer=OfficerFactory(), mentor=mentor, starts_at=at(TUESDAY, 10))
    uid = booking.uid
    moved = booking_reschedule(booking=booking, by=booking.officer, starts_at=at(TUESDAY, 12))
    assert (moved.pk, moved.uid, moved.sequence, moved.starts_at) == (booking.pk, uid, 1, at(TUESDAY, 12))
    assert Booking.objects.count() == 1


def test_booking_reschedule_sends_both_people_the_updated_invitation(frozen, mentor):
    """Both calendars hold the event, so both need SEQUENCE 1 at the new time (the page promises it)."""
    booking = booking_create(officer=OfficerFactory(), mentor=mentor, starts_at=at(TUESDAY, 10))
    booking_reschedule(booking=booking, by=booking.officer, starts_at=at(TUESDAY, 12))
    invites = {
        message.to_email: Calendar.from_ical(message.attachments[0]["content"]).walk("VEVENT")[0]
        for message in Message.objects.filter(kind="mentoring_moved")
    }
    assert {email: (int(e["sequence"]), e.decoded("dtstart")) for email, e in invites.items()} == {
        booking.officer.email: (1, at(TUESDAY, 12)),
        mentor.email: (1, at(TUESDAY, 12)),
    }


def test_booking_propose_respects_training_days_and_the_officer_answers(frozen, mentor):
    allocation = MentorAllocationFactory(mentor=mentor)
    cohort = CohortFactory(start_date=TUESDAY, status="running")
    EnrolmentFactory(cohort=cohort, officer=allocation.officer)
    TrainingSessionFactory(cohort=cohort, week_number=1, starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 11, 30))
    with pytest.raises(BookingError):
        booking_propose(mentor=mentor, officer=allocation.officer, starts_at=at(TUESDAY, 11))
    booking = booking_propose(mentor=mentor, officer=allocation.officer, starts_at=at(TUESDAY, 12))
    assert booking.status == "pending"
    booking_request_move(booking=booking, officer=allocation.officer, reason="I am presenting then")
    booking_accept(booking=booking, officer=allocation.officer)
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    with pytest.raises(BookingError, match="own mentees"):
        booking_propose(mentor=mentor, officer=OfficerFactory(), starts_at=at(TUESDAY, 10))


def test_booking_accept_confirms_the_invitation_with_a_new_sequence_for_both(frozen, mentor):
    from icalendar import Calendar

    from notifications.models import Message

    allocation = MentorAllocationFactory(mentor=mentor)
    booking = booking_propose(mentor=mentor, officer=allocation.officer, starts_at=at(TUESDAY, 12))
    booking_accept(booking=booking, officer=allocation.officer)
    booking.refresh_from_db()
    assert booking.sequence == 1
    accepted = Message.objects.filter(kind="mentoring_accepted").order_by("to_email")
    assert sorted(message.to_email for message in accepted) == sorted([mentor.email, allocation.officer.email])
    for message in accepted:
        event = Calendar.from_ical(message.attachments[0]["content"]).walk("VEVENT")[0]
        assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CONFIRMED", 1)


def test_booking_rate_only_after_the_session(frozen, mentor):
    booking = BookingFactory(mentor=mentor, starts_at=NOW + timedelta(days=1), ends_at=NOW + timedelta(days=1, hours=1))
    with pytest.raises(BookingError, match="once it has taken place"):
        booking_rate(booking=booking, officer=booking.officer, rating=5, feedback="Great")
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        booking_rate(booking=booking, officer=booking.officer, rating=5, feedback="Great")
    booking.refresh_from_db()
    assert (booking.rating, booking.feedback) == (5, "Great")
