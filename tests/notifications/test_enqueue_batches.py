"""Rows written to send now are handed to the broker after commit: a few directly, a large batch (a
roster import's welcomes) as one task that a worker fans out, so the request does not publish a task a
row. Broker down: nothing is lost, the sweeper hands the rows over."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from lotibootcamp.celery import app
from notifications import sending, services
from notifications.models import Message
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def welcomes(count: int) -> list[dict]:
    people = OfficerFactory.create_batch(count)
    return [
        {
            "recipient": person,
            "to_email": person.email,
            "kind": "welcome",
            "dedup_key": f"welcome:batch:{person.pk}",
            "template": "welcome",
            "context": {"user": person, "set_password_url": "https://example.org/set", "added_by": None},
        }
        for person in people
    ]


@pytest.fixture
def published(monkeypatch):
    """The names of the tasks handed to the broker (nothing is sent)."""
    names: list[str] = []
    monkeypatch.setattr(app, "send_task", lambda name, *args, **kwargs: names.append(name))
    return names


def test_a_few_rows_each_get_their_send_task_at_commit(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.messages_queue_now(emails=welcomes(3)) == 3
    assert published == ["notifications.send"] * 3
    assert Message.objects.filter(enqueued_at__isnull=False).count() == 3


def test_a_large_batch_is_one_task_at_commit_that_the_worker_fans_out(published, django_capture_on_commit_callbacks):
    count = sending.ENQUEUE_DIRECT_MAX + 1
    with django_capture_on_commit_callbacks(execute=True):
        services.messages_queue_now(emails=welcomes(count))
    assert published == ["notifications.enqueue"]
    assert not Message.objects.filter(enqueued_at__isnull=False).exists()


def test_the_fan_out_task_sends_every_row_once(eager, django_capture_on_commit_callbacks):
    count = sending.ENQUEUE_DIRECT_MAX + 1
    with django_capture_on_commit_callbacks(execute=True):
        services.messages_queue_now(emails=welcomes(count))
    assert Message.objects.filter(status=Message.Status.SENT).count() == count
    assert len(mail.outbox) == count


def test_a_large_batch_with_the_broker_down_is_handed_over_by_the_sweeper(
    broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    count = sending.ENQUEUE_DIRECT_MAX + 1
    with django_capture_on_commit_callbacks(execute=True):
        services.messages_queue_now(emails=welcomes(count))
    assert not Message.objects.filter(enqueued_at__isnull=False).exists()
    monkeypatch.undo()  # the broker is back
    later = timezone.now() + sending.ENQUEUE_GRACE + timedelta(seconds=1)
    names: list[str] = []
    monkeypatch.setattr(app, "send_task", lambda name, *args, **kwargs: names.append(name))
    assert services.outbox_sweep(now=later).enqueued == count
    assert names == ["notifications.send"] * count
