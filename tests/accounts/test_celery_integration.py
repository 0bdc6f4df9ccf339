"""A real Celery worker, consuming from Redis, delivers the welcome email that staff trigger, one by
one or a roster import's worth."""

import pytest
from django.core import mail

from accounts.services import user_create
from cohorts.services import roster_import
from notifications.models import Message
from notifications.sending import ENQUEUE_DIRECT_MAX
from tests.conftest import wait_for
from tests.factories import CohortFactory, StaffFactory, borough

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


def test_a_roster_import_s_welcomes_are_fanned_out_and_delivered_by_a_real_worker(celery_worker):
    # More rows than the commit hook hands over itself: one task goes to the broker and the worker
    # publishes a send task for each welcome.
    rows = ENQUEUE_DIRECT_MAX + 5
    content = "email,full_name,organisation,job_title,stream\n" + "".join(
        f"fan{n}@example.org,Fan Out {n},Camden,Analyst,\n" for n in range(rows)
    )
    result = roster_import(cohort=CohortFactory(capacity=rows), content=content, actor=StaffFactory())
    assert (result.saved, result.changes) == (True, rows)
    assert wait_for(lambda: Message.objects.filter(status=Message.Status.SENT).count() == rows, timeout=60)
    assert sorted(email.to[0] for email in mail.outbox) == sorted(f"fan{n}@example.org" for n in range(rows))
