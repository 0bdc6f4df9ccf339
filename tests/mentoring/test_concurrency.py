"""Race tests on real PostgreSQL: the row locks in the service and the exclusion constraints together
allow exactly one booking of a contested time."""

import threading
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from mentoring.constraints import ACTIVE
from mentoring.models import Booking
from mentoring.services import BookingError, SlotTaken, booking_create
from tests.factories import AvailabilityWindowFactory, BookingFactory, OfficerFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")


def day_after_tomorrow():
    return timezone.localdate() + timedelta(days=3)


def window(minutes: int, day):
    made = AvailabilityWindowFactory(
        kind="one_off", weekday=None, on_date=day, starts_time=time(10), ends_time=time(13)
    )
    made.mentor.mentor_profile.session_minutes = minutes
    made.mentor.mentor_profile.save()
    return made.mentor


def race(attempts) -> tuple[list[Booking], list[Exception]]:
    barrier = threading.Barrier(len(attempts))
    booked, refused = [], []
    lock = threading.Lock()

    def run(attempt):
        try:
            barrier.wait()
            result = attempt()
            with lock:
                booked.append(result)
        except BookingError as error:
            with lock:
                refused.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return booked, refused


def test_concurrent_twenty_officers_booking_one_slot_give_one_booking(postgres):
    day = day_after_tomorrow()
    mentor = window(45, day)
    officers = [OfficerFactory() for _ in range(20)]
    starts_at = datetime.combine(day, time(11), tzinfo=LONDON).astimezone(UTC)
    booked, refused = race(
        [
            lambda officer=officer: booking_create(officer=officer, mentor=mentor, starts_at=starts_at)
            for officer in officers
        ]
    )
    assert len(booked) == 1
    assert len(refused) == 19
    assert all(isinstance(error, SlotTaken) for error in refused)
    assert Booking.objects.filter(mentor=mentor).count() == 1


def test_concurrent_overlapping_slots_of_different_lengths_cannot_both_be_booked(postgres):
    day = day_after_tomorrow()
    short, long = window(45, day), window(60, day)
    officer = OfficerFactory()
    # 11:00-11:45 (45-minute slots: 10:00, 11:00, 12:00) and 11:15-12:15 (60-minute slots: 10:00, 11:15)
    eleven = datetime.combine(day, time(11), tzinfo=LONDON).astimezone(UTC)
    booked, refused = race(
        [
            lambda: booking_create(officer=officer, mentor=short, starts_at=eleven),
            lambda: booking_create(officer=officer, mentor=long, starts_at=eleven + timedelta(minutes=15)),
        ]
    )
    assert (len(booked), len(refused)) == (1, 1)
    assert Booking.objects.filter(officer=officer).count() == 1


def test_exclusion_constraint_refuses_overlapping_rows_written_past_the_service(postgres):
    first = BookingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(
            mentor=first.mentor,
            starts_at=first.starts_at + timedelta(minutes=30),
            ends_at=first.ends_at + timedelta(hours=1),
        )
    first.status = Booking.Status.CANCELLED
    first.save()
    BookingFactory(
        mentor=first.mentor,
        starts_at=first.starts_at + timedelta(minutes=30),
        ends_at=first.ends_at + timedelta(hours=1),
    )
    assert Booking.objects.filter(mentor=first.mentor).count() == 2


def test_exclusion_constraints_exist_for_mentor_and_officer(postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'mentoring_booking'::regclass AND contype = 'x' ORDER BY conname"
        )
        constraints = cursor.fetchall()
    assert [name for name, _ in constraints] == ["booking_mentor_no_overlap", "booking_officer_no_overlap"]
    for name, definition in constraints:
        person = name.split("_")[1]
        assert definition.startswith(
            f"EXCLUDE USING gist (tstzrange(starts_at, ends_at, '[)'::text) WITH &&, {person}_id WITH =) WHERE"
        )
        assert all(status in definition for status in ACTIVE)


def test_officer_exclusion_constraint_refuses_overlapping_rows_written_past_the_service(postgres):
    first = BookingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(officer=first.officer, starts_at=first.starts_at + timedelta(minutes=30), ends_at=first.ends_at)
    assert Booking.objects.filter(officer=first.officer).count() == 1
