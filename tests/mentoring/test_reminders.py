from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.models import Booking
from mentoring.reminders import booking_reminders
from mentoring.services import booking_accept, booking_cancel, booking_reschedule
from notifications import services, tasks
from notifications.models import DigestRun, Message, Unsubscription
from tests.factories import AvailabilityWindowFactory, BookingFactory, MentorAllocationFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
KIND = "mentoring_reminder"


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def booking_at(start: datetime, *, made: datetime | None = None, **fields) -> Booking:
    """A confirmed 45-minute booking, made (created_at) a week before unless told otherwise."""
    with time_machine.travel(made or start - timedelta(days=7), tick=False):
        return BookingFactory(starts_at=start, ends_at=start + timedelta(minutes=45), **fields)


def run_pass(moment: datetime) -> tuple[int, int, int]:
    """One `send_due_notifications` pass at `moment`: (reminders queued, cancelled, emails sent)."""
    with time_machine.travel(moment, tick=False):
        result = services.reminders_dispatch(enqueue=False)
        sent, _ = services.outbox_send_due_now()
    return result.queued, result.cancelled, sent


def reminders() -> list[tuple[str, datetime, str]]:
    return sorted(Message.objects.filter(kind=KIND).values_list("to_email", "send_after", "status"))


def reminder_emails() -> list[tuple[str, str]]:
    return sorted((email.to[0], email.subject) for email in mail.outbox if "mentoring session with" in email.subject)


def test_booking_reminders_are_queued_once_and_sent_24_hours_and_1_hour_before():
    booking = booking_at(london(date(2026, 6, 9), 10))
    officer, mentor = booking.officer, booking.mentor

    assert run_pass(london(date(2026, 6, 7), 12)) == (4, 0, 0)
    assert run_pass(london(date(2026, 6, 7), 12, 5)) == (0, 0, 0)
    day_before, hour_before = london(date(2026, 6, 8), 10), london(date(2026, 6, 9), 9)
    assert reminders() == sorted(
        [
            (officer.email, day_before, "queued"),
            (officer.email, hour_before, "queued"),
            (mentor.email, day_before, "queued"),
            (mentor.email, hour_before, "queued"),
        ]
    )

    assert run_pass(london(date(2026, 6, 8), 9, 55)) == (0, 0, 0)
    assert run_pass(london(date(2026, 6, 8), 10)) == (0, 0, 2)
    assert run_pass(london(date(2026, 6, 8), 10, 5)) == (0, 0, 0)
    assert run_pass(london(date(2026, 6, 9), 9)) == (0, 0, 2)
    assert run_pass(london(date(2026, 6, 9), 9, 5)) == (0, 0, 0)

    subject_24h = f"Reminder: mentoring session with {mentor.full_name}, Tuesday 9 June at 10am"
    subject_1h = f"In 1 hour: mentoring session with {officer.full_name}, Tuesday 9 June at 10am"
    assert (officer.email, subject_24h) in reminder_emails()
    assert (mentor.email, subject_1h) in reminder_emails()
    assert len(reminder_emails()) == 4
    email = mail.outbox[0]
    assert email.attachments[0][0] == "mentoring-session.ics"
    assert "UID:booking-" in email.attachments[0][1]
    assert "METHOD:REQUEST" in email.attachments[0][1]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "10am to 10:45am (London time)" in email.body


@pytest.mark.parametrize(
    ("start", "day_before_utc", "day_before_local_hour"),
    [
        # Sunday 25 October 2026, 10:00 GMT: 24 real hours earlier is 11:00 BST on the Saturday.
        (london(date(2026, 10, 25), 10), datetime(2026, 10, 24, 10, 0, tzinfo=UTC), 11),
        # Sunday 29 March 2026, 10:00 BST: 24 real hours earlier is 09:00 GMT on the Saturday.
        (london(date(2026, 3, 29), 10), datetime(2026, 3, 28, 9, 0, tzinfo=UTC), 9),
    ],
)
def test_booking_reminder_is_24_real_hours_before_across_clock_changes(start, day_before_utc, day_before_local_hour):
    start = start.astimezone(UTC)  # arithmetic in real hours, not London wall-clock hours
    booking = booking_at(start)
    run_pass(start - timedelta(hours=36))
    sends = sorted(set(Message.objects.filter(kind=KIND).values_list("send_after", flat=True)))
    assert sends == [day_before_utc, start - timedelta(hours=1)]
    assert start - day_before_utc == timedelta(hours=24)
    assert day_before_utc.astimezone(LONDON).hour == day_before_local_hour

    assert run_pass(day_before_utc - timedelta(minutes=5))[2] == 0
    assert run_pass(day_before_utc)[2] == 2
    assert reminder_emails()[0][0] in (booking.officer.email, booking.mentor.email)


def test_booking_reminders_are_cancelled_when_the_booking_is_cancelled():
    booking = booking_at(london(date(2026, 6, 9), 10))
    run_pass(london(date(2026, 6, 7), 12))
    with time_machine.travel(london(date(2026, 6, 7), 13), tick=False):
        booking_cancel(booking=booking, by=booking.officer)
    assert {status for _, _, status in reminders()} == {"cancelled"}
    assert run_pass(london(date(2026, 6, 8), 10)) == (0, 0, 2)  # the two cancellation notices
    run_pass(london(date(2026, 6, 9), 9))
    assert reminder_emails() == []


def test_booking_reminders_are_cancelled_by_the_dispatcher_when_the_cause_goes_away():
    booking = booking_at(london(date(2026, 6, 9), 10))
    run_pass(london(date(2026, 6, 7), 12))
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    assert run_pass(london(date(2026, 6, 8), 10)) == (0, 4, 0)
    assert reminder_emails() == []


def test_booking_reminders_follow_a_rescheduled_booking_even_back_to_its_first_time():
    tuesday = date(2026, 6, 9)
    mentor = AvailabilityWindowFactory(weekday=1, starts_time=time(10), ends_time=time(16)).mentor
    booking = booking_at(london(tuesday, 10), mentor=mentor)
    run_pass(london(date(2026, 6, 7), 12))

    with time_machine.travel(london(date(2026, 6, 7), 13), tick=False):
        booking_reschedule(booking=booking, by=booking.officer, starts_at=london(tuesday, 12).astimezone(UTC))
    assert {status for _, _, status in reminders()} == {"cancelled"}
    assert run_pass(london(date(2026, 6, 7), 14))[:2] == (4, 0)
    queued = Message.objects.filter(kind=KIND, status="queued")
    assert set(queued.values_list("send_after", flat=True)) == {london(date(2026, 6, 8), 12), london(tuesday, 11)}

    with time_machine.travel(london(date(2026, 6, 7), 15), tick=False):
        booking_reschedule(booking=booking, by=booking.officer, starts_at=london(tuesday, 10).astimezone(UTC))
    assert run_pass(london(date(2026, 6, 7), 16))[:2] == (4, 0)
    queued = Message.objects.filter(kind=KIND, status="queued")
    assert set(queued.values_list("send_after", flat=True)) == {london(date(2026, 6, 8), 10), london(tuesday, 9)}
    assert Message.objects.filter(kind=KIND).count() == 12

    assert run_pass(london(date(2026, 6, 8), 10)) == (0, 0, 2)  # only the current time's reminders
    assert all("10am" in subject for _, subject in reminder_emails())


def test_booking_reminder_task_run_twice_sends_one_email():
    booking_at(london(date(2026, 6, 9), 10))
    with time_machine.travel(london(date(2026, 6, 8), 10), tick=False):
        services.reminders_dispatch(enqueue=False)
        message = Message.objects.filter(kind=KIND, send_after__lte=london(date(2026, 6, 8), 10)).first()
        tasks.send.apply(kwargs={"message_id": message.pk})
        tasks.send.apply(kwargs={"message_id": message.pk})
    message.refresh_from_db()
    assert (message.status, message.attempts, len(mail.outbox)) == ("sent", 1, 1)


def test_booking_reminders_honour_unsubscribe():
    booking = booking_at(london(date(2026, 6, 9), 10))
    Unsubscription.objects.create(user=booking.officer, kind=KIND)
    run_pass(london(date(2026, 6, 7), 12))
    assert {to for to, _, _ in reminders()} == {booking.mentor.email}


def test_booking_made_after_the_24_hour_mark_gets_only_the_1_hour_reminder():
    start = london(date(2026, 6, 9), 10)
    booking_at(start, made=start - timedelta(hours=20))
    assert run_pass(start - timedelta(hours=19))[0] == 2
    assert {send_after for _, send_after, _ in reminders()} == {start - timedelta(hours=1)}


def test_pending_booking_gets_reminders_once_accepted():
    allocation = MentorAllocationFactory()
    booking = booking_at(
        london(date(2026, 6, 9), 10),
        mentor=allocation.mentor,
        officer=allocation.officer,
        created_by=allocation.mentor,
        status=Booking.Status.PENDING,
    )
    assert run_pass(london(date(2026, 6, 7), 12))[0] == 0
    booking_accept(booking=booking, officer=booking.officer, now=london(date(2026, 6, 7), 12, 1))
    assert run_pass(london(date(2026, 6, 7), 12, 5))[0] == 4


def test_booking_reminders_collect_runs_the_same_queries_for_one_and_many_bookings():
    now = london(date(2026, 6, 7), 16)
    booking_at(london(date(2026, 6, 9), 10))
    with CaptureQueriesContext(connection) as one:
        assert len(list(booking_reminders(now))) == 4
    for hour in (11, 12, 13, 14):
        booking_at(london(date(2026, 6, 9), hour))
    with CaptureQueriesContext(connection) as many:
        assert len(list(booking_reminders(now))) == 20
    assert len(one) == len(many)


def test_send_due_notifications_sends_mentoring_reminders(capsys):
    DigestRun.objects.create(week="2026-W24")  # this Monday's digests went at 08:00
    booking_at(london(date(2026, 6, 9), 10))
    with time_machine.travel(london(date(2026, 6, 8), 10, 2), tick=False):
        call_command("send_due_notifications")
    out = capsys.readouterr().out
    assert "reminders queued: 4" in out
    assert "sent: 2" in out
    assert len(reminder_emails()) == 2
