"""The hourly beat job that passes lapsed waitlist offers on, run by a real worker over Redis."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from cohorts import services, tasks
from cohorts.models import Enrolment
from lotibootcamp.celery import app
from notifications.models import Message
from tests.conftest import wait_for
from tests.factories import CohortFactory, EnrolmentFactory, StaffFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_beat_runs_lapse_place_offers_hourly_in_utc():
    entry = app.conf.beat_schedule["lapse-place-offers"]
    assert entry["task"] == "cohorts.lapse_place_offers"
    assert entry["schedule"].minute == {30}
    assert app.conf.timezone == "UTC"


def test_real_worker_passes_a_lapsed_offer_to_the_next_officer(celery_worker):
    cohort = CohortFactory(capacity=1)
    staff = StaffFactory()
    approved = {"status": Enrolment.Status.APPLIED, "manager_decision": Enrolment.ManagerDecision.APPROVED}
    leaving = services.enrolment_select(enrolment=EnrolmentFactory(cohort=cohort, **approved), actor=staff)
    first = services.enrolment_waitlist(enrolment=EnrolmentFactory(cohort=cohort, **approved), actor=staff)
    second = services.enrolment_waitlist(enrolment=EnrolmentFactory(cohort=cohort, **approved), actor=staff)
    services.enrolment_withdraw(enrolment=leaving, actor=staff)

    with time_machine.travel(timezone.now() + timedelta(days=services.OFFER_DAYS, hours=1), tick=True):
        tasks.lapse_place_offers.delay()
        wait_for(lambda: len(mail.outbox) >= 2)
    second.refresh_from_db()
    assert second.offer_expires_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == sorted([first.officer.email, second.officer.email])
    assert Message.objects.filter(kind="place_offer", status=Message.Status.SENT).count() == 2
