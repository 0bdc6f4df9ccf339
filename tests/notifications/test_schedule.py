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
    }
    assert schedule["dispatch-reminders"]["schedule"] == crontab(minute="*/5")
    assert schedule["weekly-digests"]["schedule"] == crontab(minute=0)
    assert schedule["sweep-outbox"]["schedule"] == 300.0
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
