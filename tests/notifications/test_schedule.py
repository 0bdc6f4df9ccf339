import pytest
from celery.schedules import crontab
from django.core.management import call_command

from lotibootcamp.celery import app
from notifications.models import Message

from .conftest import london, selected_officer, session_on


def test_beat_schedule_runs_in_utc_with_the_notification_entries():
    schedule = app.conf.beat_schedule
    assert (app.conf.timezone, app.conf.enable_utc) == ("UTC", True)
    assert {name: entry["task"] for name, entry in schedule.items()} == {
        "sweep-outbox": "notifications.sweep_outbox",
        "dispatch-reminders": "notifications.dispatch_reminders",
        "weekly-digests": "notifications.weekly_digests",
        "lapse-place-offers": "cohorts.lapse_place_offers",
        "sweep-unscored-submissions": "exercises.sweep_unscored",
        "apply-retention": "home.apply_retention",
        "prune-changes": "common.prune_changes",
    }
    assert schedule["dispatch-reminders"]["schedule"] == crontab(minute="*/5")
    assert schedule["weekly-digests"]["schedule"] == crontab(minute=0)
    assert schedule["sweep-outbox"]["schedule"] == 60.0
    assert schedule["sweep-unscored-submissions"]["schedule"] == crontab(minute="*/5")
    assert schedule["apply-retention"]["schedule"] == crontab(hour=2, minute=15)
    assert schedule["prune-changes"]["schedule"] == crontab(minute=45)
    app.loader.import_default_modules()  # as a worker does: every app's tasks module
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)


@pytest.mark.django_db
def test_send_due_notifications_queues_and_sends_in_one_pass(capsys):
    from datetime import date

    import time_machine

    session = session_on(date(2026, 6, 9))
    selected_officer(session.cohort)
    with time_machine.travel(london(date(2026, 6, 8), 9, 30), tick=False):
        call_command("send_due_notifications", "--digests")
    out = capsys.readouterr().out
    assert "reminders queued: 1" in out
    assert "digests queued: 1 (2026-W24)" in out
    assert "sent: 2" in out
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_send_task_is_acked_late_and_rejected_when_its_worker_is_lost():
    from notifications import tasks

    assert (tasks.send.acks_late, tasks.send.reject_on_worker_lost) == (True, True)
    assert (app.conf.task_acks_late, app.conf.task_reject_on_worker_lost) == (True, True)
    # A retry's countdown is the backoff (minutes), far below Redis's visibility timeout.
    from notifications import services

    assert max(services.retry_delay(n) for n in range(1, services.MAX_ATTEMPTS)) < 3600


@pytest.mark.django_db
def test_hourly_beat_through_both_clock_change_weeks_queues_each_weeks_digest_once():
    from datetime import UTC, date, datetime, timedelta

    from notifications import services

    for monday in (date(2026, 3, 23), date(2026, 3, 30), date(2026, 10, 19), date(2026, 10, 26)):
        selected_officer(session_on(monday + timedelta(days=1)).cohort)
    sent = []
    for start in (datetime(2026, 3, 22, tzinfo=UTC), datetime(2026, 10, 18, tzinfo=UTC)):
        for hour in range(16 * 24):  # every hourly beat run for 16 days around the clock change
            now = start + timedelta(hours=hour)
            result = services.digests_send_weekly(now=now, enqueue=False)
            if result.queued:
                sent.append((result.week, now))
    assert sent == [
        ("2026-W13", datetime(2026, 3, 23, 8, tzinfo=UTC)),
        ("2026-W14", datetime(2026, 3, 30, 7, tzinfo=UTC)),
        ("2026-W43", datetime(2026, 10, 19, 7, tzinfo=UTC)),
        ("2026-W44", datetime(2026, 10, 26, 8, tzinfo=UTC)),
    ]
