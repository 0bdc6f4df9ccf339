"""A real Celery worker on Redis: a send interrupted past its lease is sent again with the same
Message-ID and shown to staff as "delivery unknown, retried"; a database failure right after the mail
server accepted a message does not lose the fact that it went (the record_sent task writes it)."""

import contextlib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from notifications import sending, services, tasks
from notifications.models import Message
from tests.conftest import wait_for
from tests.factories import MessageFactory, OfficerFactory, StaffFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class AcceptThenLoseTheDatabase(EmailBackend):
    """The mail server accepts the message, then the worker's database connection is cut."""

    def send_messages(self, messages):
        count = super().send_messages(messages)
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return count


def test_send_interrupted_past_its_lease_is_sent_again_by_the_worker(celery_worker, client, postgres):
    # As a worker killed mid-send leaves it: claimed, attempt counted, outcome unknown.
    message = MessageFactory(
        status=Message.Status.SENDING, attempts=1, claimed_at=timezone.now() - sending.SENDING_LEASE * 2
    )
    tasks.sweep_outbox.delay()
    assert wait_for(lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT)
    message.refresh_from_db()
    assert (message.attempts, message.delivery_unknown) == (2, True)
    [email] = mail.outbox
    assert email.message()["Message-ID"] == message.internet_message_id

    client.force_login(StaffFactory())
    outbox = client.get(reverse("notifications:outbox")).content.decode()
    detail = client.get(reverse("notifications:message_detail", args=[message.pk])).content.decode()
    assert "Delivery unknown, retried" in outbox
    assert "Delivery unknown, retried" in detail


def test_database_error_after_the_server_accepted_still_marks_the_message_sent(celery_worker, settings, postgres):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox_recovery.AcceptThenLoseTheDatabase"
    user = OfficerFactory()
    with transaction.atomic():
        message = services.message_queue(
            recipient=user,
            to_email=user.email,
            kind="welcome",
            dedup_key="welcome:reconcile",
            template="welcome",
            context={"user": user, "set_password_url": "https://example.org/set", "added_by": None},
        )
    assert wait_for(lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT)
    message.refresh_from_db()
    assert (message.attempts, message.delivery_unknown, message.sent_at is not None) == (1, False, True)
    assert [email.to for email in mail.outbox] == [[user.email]]
    # Nothing is left for the sweeper to send again.
    assert services.outbox_sweep(now=timezone.now() + sending.SENDING_LEASE * 2).enqueued == 0
    assert len(mail.outbox) == 1
