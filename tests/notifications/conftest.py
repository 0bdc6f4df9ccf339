from datetime import datetime, time, timedelta
from smtplib import SMTPException
from zoneinfo import ZoneInfo

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from kombu.exceptions import OperationalError

from cohorts.models import Cohort
from lotibootcamp.celery import app
from tests.factories import CohortFactory, EnrolmentFactory, TrainingSessionFactory

LONDON = ZoneInfo("Europe/London")


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise SMTPException("421 Service not available")


@pytest.fixture
def eager(monkeypatch):
    """Tasks run in this process when they are enqueued (the broker is bypassed)."""
    monkeypatch.setattr(app.conf, "task_always_eager", True)
    monkeypatch.setattr(app.conf, "task_eager_propagates", False)
    return app


@pytest.fixture
def broker_down(monkeypatch):
    """The broker refuses connections: enqueueing any task fails as kombu does when Redis is gone."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app, "send_task", refuse)
    return refuse


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = "tests.notifications.conftest.FailingEmailBackend"


def london(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def session_on(day, *, cohort=None, hour: int = 10, **fields):
    """A training session of a running cohort on `day`, 10:00 to 16:00 London time."""
    cohort = cohort or CohortFactory(status=Cohort.Status.RUNNING, start_date=day - timedelta(weeks=2))
    return TrainingSessionFactory(cohort=cohort, starts_at=london(day, hour), ends_at=london(day, hour + 6), **fields)


def selected_officer(cohort, **fields):
    return EnrolmentFactory(cohort=cohort, **fields).officer
