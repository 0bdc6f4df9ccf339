"""A real Celery worker, consuming from Redis, delivers the welcome email that staff trigger."""

import pytest
from django.core import mail

from accounts.services import user_create
from notifications.models import Message
from tests.conftest import wait_for
from tests.factories import StaffFactory, borough

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_welcome_email_is_delivered_by_a_real_worker_after_commit(celery_worker):
    user = user_create(
        email="welcome@example.org",
        full_name="Wendy Welcome",
        organisation=borough("Sutton"),
        is_officer=True,
        created_by=StaffFactory(),
    )
    assert wait_for(lambda: Message.objects.get(recipient=user).status == Message.Status.SENT)
    assert [email.to for email in mail.outbox] == [["welcome@example.org"]]
    assert mail.outbox[0].subject == "Your LOTI Data Science Bootcamp account"
    assert "/accounts/reset/" in mail.outbox[0].body
