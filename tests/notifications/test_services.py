from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cohorts import services as cohort_services
from cohorts.reminders import training_reminder_send_after
from notifications import registry, services, tasks
from notifications.models import DigestRun, Message, Unsubscription
from tests.factories import MessageFactory, OfficerFactory, StaffFactory

from .conftest import london, selected_officer, session_on

pytestmark = pytest.mark.django_db


def queue_welcome(user, key="welcome:test"):
    return services.message_queue(
        recipient=user,
        to_email=user.email,
        kind="welcome",
        dedup_key=key,
        template="welcome",
        context={"user": user, "set_password_url": "https://example.org/set", "added_by": None},
    )


# --- the outbox -----------------------------------------------------------------------------------


def test_message_queue_enqueues_nothing_before_commit(django_capture_on_commit_callbacks):
    user = OfficerFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        message = queue_welcome(user)
        assert Message.objects.get().enqueued_at is None
    assert len(callbacks) == 1
    assert message.status == Message.Status.QUEUED


def test_message_queue_enqueues_nothing_after_rollback(django_capture_on_commit_callbacks):
    user = OfficerFactory()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        queue_welcome(user)
        raise RuntimeError("the change that caused the email failed")
    assert callbacks == []
    assert Message.objects.count() == 0


def test_message_queue_is_sent_once_after_commit(eager, django_capture_on_commit_callbacks):
    user = OfficerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        queue_welcome(user)
    message = Message.objects.get()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)
    assert [email.to for email in mail.outbox] == [[user.email]]


def test_message_queue_with_same_key_writes_one_row():
    user = OfficerFactory()
    assert queue_welcome(user) is not None
    assert queue_welcome(user) is None
    assert Message.objects.count() == 1


def test_send_task_run_twice_sends_one_email():
    message = MessageFactory()
    tasks.send.apply(kwargs={"message_id": message.pk})
    tasks.send.apply(kwargs={"message_id": message.pk})
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)
    assert len(mail.outbox) == 1


def test_failed_delivery_goes_back_to_queued_with_backoff(failing_mail):
    message = MessageFactory()
    with (
        time_machine.travel(datetime(2026, 5, 1, 12, 0, tzinfo=UTC), tick=False),
        pytest.raises(services.DeliveryError) as error,
    ):
        services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert error.value.retry_in == 30
    assert (message.status, message.attempts) == (Message.Status.QUEUED, 1)
    assert message.send_after == datetime(2026, 5, 1, 12, 0, 30, tzinfo=UTC)
    assert "421 Service not available" in message.last_error


def test_failing_backend_is_retried_then_given_up_and_left_failed(failing_mail):
    message = MessageFactory()
    tasks.send.apply(kwargs={"message_id": message.pk})  # eager: each retry runs at once
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, services.MAX_ATTEMPTS)
    assert "421 Service not available" in message.last_error
    assert mail.outbox == []
    assert [services.retry_delay(n) for n in range(1, 5)] == [30, 60, 120, 240]


def test_sweeper_sends_once_after_broker_outage(broker_down, monkeypatch, django_capture_on_commit_callbacks):
    user = OfficerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        queue_welcome(user)
    message = Message.objects.get()
    assert (message.status, message.enqueued_at, mail.outbox) == (Message.Status.QUEUED, None, [])

    monkeypatch.undo()  # the broker is back (and tasks run in this process)
    monkeypatch.setattr("lotibootcamp.celery.app.conf.task_always_eager", True)
    later = timezone.now() + timedelta(minutes=6)
    assert services.outbox_sweep(now=later) == services.SweepResult(enqueued=1)
    assert services.outbox_sweep(now=later + timedelta(minutes=6)) == services.SweepResult(enqueued=0)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1


def test_sweeper_leaves_a_row_whose_task_is_on_its_way():
    MessageFactory(enqueued_at=timezone.now())
    assert services.outbox_sweep().enqueued == 0


def test_send_interrupted_past_its_lease_is_sent_again_with_the_same_message_id(eager):
    message = MessageFactory(
        status=Message.Status.SENDING, attempts=1, claimed_at=timezone.now() - services.sending.SENDING_LEASE * 2
    )
    fresh = MessageFactory(status=Message.Status.SENDING, attempts=1, claimed_at=timezone.now())
    result = services.outbox_sweep()
    message.refresh_from_db()
    fresh.refresh_from_db()
    assert result == services.SweepResult(enqueued=1, released=1, stuck_failed=0)
    assert (message.status, message.attempts, message.delivery_unknown) == (Message.Status.SENT, 2, True)
    assert fresh.status == Message.Status.SENDING
    [email] = mail.outbox
    assert email.extra_headers["Message-ID"] == message.internet_message_id
    assert email.message()["Message-ID"] == message.internet_message_id


def test_send_interrupted_on_its_last_attempt_is_failed_as_delivery_unknown():
    message = MessageFactory(
        status=Message.Status.SENDING,
        attempts=services.MAX_ATTEMPTS,
        claimed_at=timezone.now() - services.sending.SENDING_LEASE * 2,
    )
    assert services.outbox_sweep() == services.SweepResult(enqueued=0, released=0, stuck_failed=1)
    message.refresh_from_db()
    assert (message.status, message.delivery_unknown) == (Message.Status.FAILED, True)
    assert mail.outbox == []


def test_sending_lease_outlasts_the_send_tasks_time_limit():
    assert services.sending.SENDING_LEASE.total_seconds() > tasks.send.time_limit > tasks.send.soft_time_limit


def test_sweeper_re_enqueues_a_row_handed_over_more_than_a_minute_ago():
    MessageFactory(enqueued_at=timezone.now() - timedelta(seconds=61))
    MessageFactory(enqueued_at=timezone.now() - timedelta(seconds=30))
    assert services.outbox_sweep().enqueued == 1


def test_every_attempt_at_one_message_carries_its_message_id(failing_mail, settings):
    message = MessageFactory()
    with pytest.raises(services.DeliveryError):
        services.message_deliver(message_id=message.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Message.objects.filter(pk=message.pk).update(send_after=None)
    assert services.message_deliver(message_id=message.pk) is True
    [email] = mail.outbox
    assert email.message()["Message-ID"] == message.internet_message_id
    assert message.internet_message_id.endswith("@example.org>")


def test_message_resend_queues_a_failed_message_again(eager, django_capture_on_commit_callbacks):
    message = MessageFactory(status=Message.Status.FAILED, attempts=5, last_error="boom")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_resend(message=message)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)
    assert len(mail.outbox) == 1


def test_message_cancel_for_cancels_only_queued_messages_with_the_prefix():
    queued = MessageFactory(dedup_key="booking:7:24h:1")
    sent = MessageFactory(dedup_key="booking:7:1h:1", status=Message.Status.SENT)
    other = MessageFactory(dedup_key="booking:70:24h:1")
    assert services.message_cancel_for(dedup_prefix="booking:7:") == 1
    statuses = {m.pk: m.status for m in Message.objects.all()}
    assert statuses == {queued.pk: "cancelled", sent.pk: "sent", other.pk: "queued"}
    tasks.send.apply(kwargs={"message_id": queued.pk})
    assert mail.outbox == []


# --- training reminders ---------------------------------------------------------------------------


def test_training_reminder_is_queued_once_and_sent_the_day_before_at_nine(eager):
    session = session_on(date(2026, 6, 9), materials="https://example.org/slides", location="City Hall")
    officer = selected_officer(session.cohort)

    sunday = london(date(2026, 6, 7), 12)
    assert services.reminders_dispatch(now=sunday).queued == 1
    assert services.reminders_dispatch(now=sunday).queued == 0
    message = Message.objects.get()
    assert message.send_after == london(date(2026, 6, 8), 9)
    assert mail.outbox == []

    assert services.reminders_dispatch(now=london(date(2026, 6, 8), 8, 55)).enqueued == 0
    assert services.reminders_dispatch(now=london(date(2026, 6, 8), 9, 0)).enqueued == 1
    services.reminders_dispatch(now=london(date(2026, 6, 8), 9, 5))
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [officer.email]
    assert "City Hall" in email.body
    assert "https://example.org/slides" in email.body
    assert email.attachments[0][0] == "training-session.ics"
    assert "BEGIN:VEVENT" in email.attachments[0][1]


def test_training_reminder_is_cancelled_when_the_session_is_cancelled(eager):
    session = session_on(date(2026, 6, 9))
    selected_officer(session.cohort)
    services.reminders_dispatch(now=london(date(2026, 6, 7), 12))
    session.is_cancelled = True
    session.save()
    result = services.reminders_dispatch(now=london(date(2026, 6, 8), 9))
    assert (result.queued, result.cancelled) == (0, 1)
    assert Message.objects.get().status == Message.Status.CANCELLED
    assert mail.outbox == []


def test_training_reminder_follows_a_moved_session(eager):
    session = session_on(date(2026, 6, 9))
    selected_officer(session.cohort)
    services.reminders_dispatch(now=london(date(2026, 6, 7), 12))
    session.starts_at = london(date(2026, 6, 10), 10)
    session.ends_at = london(date(2026, 6, 10), 16)
    session.save()
    result = services.reminders_dispatch(now=london(date(2026, 6, 8), 9))
    assert (result.queued, result.cancelled, result.enqueued) == (1, 1, 0)
    assert services.reminders_dispatch(now=london(date(2026, 6, 9), 9)).enqueued == 1
    assert [m.status for m in Message.objects.order_by("pk")] == ["cancelled", "sent"]
    assert "Wednesday 10 June" in mail.outbox[0].body


def test_training_reminder_skips_officers_outside_the_sessions_stream():
    session = session_on(date(2026, 6, 9), week_number=10)
    from tests.factories import StreamFactory

    stream = StreamFactory(cohort=session.cohort, first_week=1, last_week=8)
    selected_officer(session.cohort, stream=stream)
    inside = selected_officer(session.cohort)
    services.reminders_dispatch(now=london(date(2026, 6, 7), 12))
    assert list(Message.objects.values_list("recipient", flat=True)) == [inside.pk]


@pytest.mark.parametrize(
    ("session_day", "sent_at_utc"),
    [
        (date(2026, 3, 30), datetime(2026, 3, 29, 8, 0, tzinfo=UTC)),  # clocks went forward that morning
        (date(2026, 10, 26), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),  # clocks went back that morning
    ],
)
def test_training_reminder_keeps_its_local_time_across_clock_changes(eager, session_day, sent_at_utc):
    session = session_on(session_day)
    selected_officer(session.cohort)
    assert training_reminder_send_after(session.starts_at) == sent_at_utc
    with time_machine.travel(sent_at_utc - timedelta(minutes=5), tick=False):
        tasks.dispatch_reminders.apply()
    assert mail.outbox == []
    with time_machine.travel(sent_at_utc, tick=False):
        tasks.dispatch_reminders.apply()
        tasks.dispatch_reminders.apply()
    assert len(mail.outbox) == 1
    assert Message.objects.get().sent_at == sent_at_utc


def test_unsubscribed_officer_gets_no_training_reminder():
    session = session_on(date(2026, 6, 9))
    officer = selected_officer(session.cohort)
    Unsubscription.objects.create(user=officer, kind="training_reminder")
    assert services.reminders_dispatch(now=london(date(2026, 6, 7), 12)).queued == 0


# --- weekly digests -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("monday", "expected_utc_hour"),
    [
        (date(2026, 3, 23), 8),  # GMT, the week that ends with the clocks going forward
        (date(2026, 3, 30), 7),  # BST
        (date(2026, 10, 19), 7),  # BST, the week that ends with the clocks going back
        (date(2026, 10, 26), 8),  # GMT
    ],
)
def test_weekly_digest_goes_out_once_at_eight_london_in_clock_change_weeks(eager, monday, expected_utc_hour):
    session = session_on(monday + timedelta(days=1))
    officer = selected_officer(session.cohort)
    start = datetime.combine(monday - timedelta(days=1), datetime.min.time(), tzinfo=UTC).replace(hour=20)
    sent_hours = []
    for hour in range(18):  # beat's hourly run, Sunday 20:00 to Monday 13:00 UTC
        now = start + timedelta(hours=hour)
        with time_machine.travel(now, tick=False):
            before = len(mail.outbox)
            tasks.weekly_digests.apply()
            if len(mail.outbox) > before:
                sent_hours.append(now)
    assert sent_hours == [datetime.combine(monday, datetime.min.time(), tzinfo=UTC).replace(hour=expected_utc_hour)]
    message = Message.objects.get(kind="weekly_digest")
    iso = monday.isocalendar()
    assert message.dedup_key == f"digest:{officer.pk}:{iso.year}-W{iso.week:02d}"
    assert message.to_email == officer.email
    assert "Your training this week" in mail.outbox[0].body


def test_weekly_digest_is_skipped_for_people_with_nothing_to_read():
    OfficerFactory()
    result = services.digests_send_weekly(now=london(date(2026, 6, 8), 8), enqueue=False)
    assert (result.week, result.queued, result.empty) == ("2026-W24", 0, 1)
    assert Message.objects.count() == 0


def test_weekly_digest_gives_staff_each_running_cohort():
    session = session_on(date(2026, 6, 9))
    selected_officer(session.cohort)
    staff = StaffFactory()
    services.digests_send_weekly(now=london(date(2026, 6, 8), 8, 30), enqueue=False)
    message = Message.objects.get(recipient=staff)
    assert session.cohort.name in message.body_text
    assert "1 of 15 places taken, 0 waitlisted, 0 withdrawn" in message.body_text
    assert "Tuesday 9 June, 10am to 4pm" in message.body_text


def test_weekly_digest_is_not_sent_before_monday_eight_nor_again_after_the_weeks_run():
    session = session_on(date(2026, 6, 9))
    selected_officer(session.cohort)
    assert services.digests_send_weekly(now=london(date(2026, 6, 8), 7, 59)).queued == 0
    assert services.digests_send_weekly(now=london(date(2026, 6, 8), 8)).queued == 1
    assert services.digests_send_weekly(now=london(date(2026, 6, 8), 9)).week is None
    assert services.digests_send_weekly(now=london(date(2026, 6, 9), 8)).week is None
    assert Message.objects.filter(kind="weekly_digest").count() == 1


def test_weekly_digests_catch_up_when_beat_missed_the_whole_monday_morning(eager):
    """Beat is down from Monday 00:00 to 12:59 London; its hourly runs resume at 13:00."""
    DigestRun.objects.create(week="2026-W23")  # last week's went as usual
    session = session_on(date(2026, 6, 9))
    officer = selected_officer(session.cohort)
    staff = StaffFactory()
    runs = [london(date(2026, 6, 7), hour) for hour in range(24)]  # Sunday
    runs += [london(date(2026, 6, 8), hour) for hour in range(13, 24)]  # Monday from 13:00
    runs += [london(date(2026, 6, 9), hour) for hour in range(24)]  # Tuesday
    sent_at = []
    for now in runs:
        with time_machine.travel(now, tick=False):
            before = len(mail.outbox)
            tasks.weekly_digests.apply()
            if len(mail.outbox) > before:
                sent_at.append((now, len(mail.outbox) - before))
    assert sent_at == [(london(date(2026, 6, 8), 13), 2)]
    assert sorted(email.to[0] for email in mail.outbox) == sorted([officer.email, staff.email])
    assert set(Message.objects.values_list("dedup_key", flat=True)) == {
        f"digest:{officer.pk}:2026-W24",
        f"digest:{staff.pk}:2026-W24",
    }


# --- preferences ----------------------------------------------------------------------------------


def test_optional_email_carries_one_click_unsubscribe_headers():
    session = session_on(date(2026, 6, 9))
    officer = selected_officer(session.cohort)
    services.reminders_dispatch(now=london(date(2026, 6, 8), 9), enqueue=False)
    services.outbox_send_due_now(now=london(date(2026, 6, 8), 9))
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
    assert headers["List-Unsubscribe"][1:-1] in mail.outbox[0].body
    assert Message.objects.get().recipient == officer


def test_essential_email_has_no_unsubscribe_header_and_ignores_preferences():
    user = OfficerFactory()
    services.preferences_set(user=user, receive=set())
    message = queue_welcome(user)
    assert message.is_essential
    assert "List-Unsubscribe" not in message.headers


def test_preferences_set_switches_kinds_off_and_cancels_what_is_queued():
    user = OfficerFactory()
    queued = MessageFactory(recipient=user, kind="weekly_digest")
    every_optional_kind = {kind.name for kind in registry.optional_kinds()}
    services.preferences_set(user=user, receive=every_optional_kind - {"weekly_digest"})
    assert list(Unsubscription.objects.filter(user=user).values_list("kind", flat=True)) == ["weekly_digest"]
    queued.refresh_from_db()
    assert queued.status == Message.Status.CANCELLED
    services.preferences_set(user=user, receive=every_optional_kind)
    assert Unsubscription.objects.filter(user=user).count() == 0


def test_unsubscription_create_refuses_essential_kinds():
    user = OfficerFactory()
    assert services.unsubscription_create(user=user, kind="welcome") is False
    assert services.unsubscription_create(user=user, kind="weekly_digest") is True
    assert list(Unsubscription.objects.values_list("kind", flat=True)) == ["weekly_digest"]


def test_sweeper_does_not_send_a_reminder_whose_cause_went_away_before_the_dispatcher_saw_it(eager):
    # The dispatcher wrote the reminder days ahead; the session is cancelled; at 09:00 the sweeper
    # happens to run before the dispatcher's pass that would cancel it.
    session = session_on(date(2026, 6, 9))
    selected_officer(session.cohort)
    services.reminders_dispatch(now=london(date(2026, 6, 6), 12))
    cohort_services.session_cancel(session=session)
    assert services.outbox_sweep(now=london(date(2026, 6, 8), 9, 1)).enqueued == 0
    services.reminders_dispatch(now=london(date(2026, 6, 8), 9, 5))
    assert Message.objects.get().status == Message.Status.CANCELLED
    assert mail.outbox == []


def test_sweeper_hands_over_a_due_reminder_the_dispatcher_could_not_enqueue(eager):
    session = session_on(date(2026, 6, 9))
    selected_officer(session.cohort)
    services.reminders_dispatch(now=london(date(2026, 6, 6), 12))
    # Beat's dispatcher pass did not run (or the broker was down): after two passes' time, the sweeper.
    assert services.outbox_sweep(now=london(date(2026, 6, 8), 9, 6)).enqueued == 0
    assert services.outbox_sweep(now=london(date(2026, 6, 8), 9, 11)).enqueued == 1
    assert Message.objects.get().status == Message.Status.SENT
    assert len(mail.outbox) == 1


def test_training_reminder_carries_details_edited_after_it_was_written(eager):
    session = session_on(date(2026, 6, 9), topic="Fuzzy matching", location="City Hall")
    officer = selected_officer(session.cohort)
    services.reminders_dispatch(now=london(date(2026, 6, 6), 12))
    cohort_services.session_update(
        session=session,
        day=date(2026, 6, 9),
        starts=time(10),
        ends=time(16),
        topic="Fuzzy matching",
        location="Room 4, Guildhall",
        materials="https://example.org/week-4-slides",
    )
    services.reminders_dispatch(now=london(date(2026, 6, 8), 9))
    (email,) = mail.outbox
    assert (email.to, "Room 4, Guildhall" in email.body, "https://example.org/week-4-slides" in email.body) == (
        [officer.email],
        True,
        True,
    )
    assert "SEQUENCE:1" in email.attachments[0][1]
    assert sorted(Message.objects.values_list("status", flat=True)) == ["cancelled", "sent"]


def test_training_reminder_is_not_sent_again_when_the_session_is_edited_after_it_went(eager):
    session = session_on(date(2026, 6, 9), topic="Fuzzy matching")
    selected_officer(session.cohort)
    services.reminders_dispatch(now=london(date(2026, 6, 8), 9))
    cohort_services.session_update(
        session=session, day=date(2026, 6, 9), starts=time(10), ends=time(16), topic="Fuzzy matching, part 2"
    )
    services.reminders_dispatch(now=london(date(2026, 6, 8), 14))
    assert len(mail.outbox) == 1
    assert list(Message.objects.values_list("status", flat=True)) == ["sent"]
