"""`make run` on SQLite: ten officers booking one slot at once get one booking and nine GOV.UK error
summaries, never a 500 ("database is locked"). Runs in a subprocess on a SQLite file database."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RACE = r"""
import json, threading
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)

from django.db import connection
from django.test import Client
from django.utils import timezone

from lotibootcamp.celery import app
from mentoring.models import Booking
from tests.factories import AvailabilityWindowFactory, OfficerFactory

app.conf.task_always_eager = True  # mail goes to the in-memory backend, not a broker
day = timezone.localdate() + timedelta(days=3)
window = AvailabilityWindowFactory(kind="one_off", weekday=None, on_date=day, starts_time=time(10), ends_time=time(13))
mentor = window.mentor
starts_at = datetime.combine(day, time(11), tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)
slot = f"{mentor.pk}:{starts_at:%Y%m%dT%H%M}"
clients = []
for _ in range(10):
    client = Client(raise_request_exception=False)
    client.force_login(OfficerFactory())
    clients.append(client)
connection.close()
barrier = threading.Barrier(len(clients))
answers = []

def book(client):
    try:
        barrier.wait()
        response = client.post(f"/mentoring/mentors/{mentor.pk}/book/", {"slot": slot, "agenda": "Blocking"})
        body = response.content.decode()
        answers.append([response.status_code, "govuk-error-summary" in body, "just been booked" in body])
    finally:
        connection.close()

threads = [threading.Thread(target=book, args=(client,)) for client in clients]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(60)
print(json.dumps({"answers": sorted(answers), "bookings": Booking.objects.filter(mentor=mentor).count()}))
"""


def test_sqlite_booking_race_gives_one_booking_and_friendly_refusals(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="lotibootcamp.settings",
        EMAIL_URL="memorymail://",
        DEBUG="false",
    )
    result = subprocess.run(
        [sys.executable, "-c", RACE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["bookings"] == 1
    statuses = [answer[0] for answer in outcome["answers"]]
    assert sorted(statuses) == [200] * 9 + [302], result.stderr[-3000:]
    refusals = [answer for answer in outcome["answers"] if answer[0] == 200]
    assert all(error_summary for _, error_summary, _ in refusals)
