"""A real Celery worker, consuming from Redis, delivers a training reminder and a weekly digest."""

import time
from datetime import date

import pytest
from django.core import mail

from notifications import services
from notifications.models import Message
from tests.conftest import wait_for

from .conftest import london, selected_officer, session_on

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_reminder_and_digest_are_delivered_by_a_real_worker(celery_worker):
    session = session_on(date(2026, 6, 9), topic="Fuzzy matching")
    officer = selected_officer(session.cohort)

    reminders = services.reminders_dispatch(now=london(date(2026, 6, 8), 9))
    digests = services.digests_send_weekly(now=london(date(2026, 6, 8), 8, 30))
    assert (reminders.enqueued, digests.queued) == (1, 1)

    assert wait_for(lambda: Message.objects.filter(status=Message.Status.SENT).count() == 2)
    assert sorted((email.to[0], email.subject.split(":")[0]) for email in mail.outbox) == [
        (officer.email, "Tomorrow"),
        (officer.email, "Your bootcamp week"),
    ]
    # Handing the same work over again sends nothing more.
    services.reminders_dispatch(now=london(date(2026, 6, 8), 9, 5))
    services.digests_send_weekly(now=london(date(2026, 6, 8), 8, 35))
    time.sleep(0.5)
    assert len(mail.outbox) == 2
