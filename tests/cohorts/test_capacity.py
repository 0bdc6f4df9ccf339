"""Capacity is a rule the locked cohort row enforces: selecting, accepting an offer and re-offering
re-check total and per-organisation places, and lowering places withdraws offers that no longer fit."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from cohorts import services
from cohorts.models import Enrolment, EnrolmentEvent, OrganisationPlaces
from notifications.models import Message
from tests.factories import CohortFactory, EnrolmentFactory, OfficerFactory, StaffFactory, borough

pytestmark = pytest.mark.django_db


def open_offer(cohort, *, days: float = services.OFFER_DAYS, **kwargs) -> Enrolment:
    """A waitlisted officer holding an offer of a place, as the waitlist leaves it."""
    return EnrolmentFactory(
        cohort=cohort,
        status=Enrolment.Status.WAITLISTED,
        manager_decision=Enrolment.ManagerDecision.APPROVED,
        waitlist_position=1,
        offer_expires_at=timezone.now() + timedelta(days=days),
        **kwargs,
    )


def edit_post(cohort, **overrides) -> dict:
    data = {
        "name": cohort.name,
        "capacity": str(cohort.capacity),
        "status": cohort.status,
        "bank_holiday_rule": cohort.bank_holiday_rule,
    }
    data.update(overrides)
    return data


def test_lowering_capacity_withdraws_the_open_offer_so_accepting_it_cannot_overfill(client):
    # The defect: capacity 2, one selected, one open offer; staff lower capacity to 1; the offer is
    # then accepted and 2 officers are selected on a capacity of 1.
    cohort = CohortFactory(capacity=2)
    EnrolmentFactory(cohort=cohort)
    offered = open_offer(cohort)
    client.force_login(StaffFactory())
    saved = client.post(f"/cohorts/{cohort.slug}/edit/", edit_post(cohort, capacity="1"), follow=True)
    assert "1 open offer was withdrawn because no place is left for them" in saved.content.decode()
    email = Message.objects.get(kind="place_offer_withdrawn")
    assert email.to_email == offered.officer.email
    assert "now has 1 places and they are all taken" in email.body_text

    client.force_login(offered.officer)
    page = client.get(f"/cohorts/applications/{offered.pk}/").content.decode()
    assert "A place is yours if you accept it" not in page
    refused = client.post(f"/cohorts/applications/{offered.pk}/accept/")
    assert "This offer has expired or has already been answered" in refused.content.decode()
    assert cohort.enrolments.filter(status=Enrolment.Status.SELECTED).count() == 1
    offered.refresh_from_db()
    assert offered.status == Enrolment.Status.WAITLISTED
    assert offered.events.last().note.startswith("Offer withdrawn: ")


def test_lowering_capacity_keeps_the_offers_that_still_fit(client):
    cohort = CohortFactory(capacity=3)
    EnrolmentFactory(cohort=cohort)
    first = open_offer(cohort, days=5)
    later = open_offer(cohort, days=6)
    client.force_login(StaffFactory())
    client.post(f"/cohorts/{cohort.slug}/edit/", edit_post(cohort, capacity="2"))
    first.refresh_from_db()
    later.refresh_from_db()
    assert (first.has_open_offer, later.has_open_offer) == (True, False)
    assert list(Message.objects.values_list("to_email", flat=True)) == [later.officer.email]


def test_capacity_below_the_selected_count_is_refused_on_the_edit_form(client):
    cohort = CohortFactory(capacity=3)
    EnrolmentFactory.create_batch(2, cohort=cohort)
    client.force_login(StaffFactory())
    response = client.post(f"/cohorts/{cohort.slug}/edit/", edit_post(cohort, capacity="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert 'href="#id_capacity">Capacity cannot be less than the 2 officers already selected' in html
    cohort.refresh_from_db()
    assert cohort.capacity == 3


def test_organisation_places_below_its_selected_officers_are_refused_on_the_edit_form(client):
    camden = borough("Camden")
    cohort = CohortFactory(capacity=10)
    OrganisationPlaces.objects.create(cohort=cohort, organisation=camden, places=3)
    EnrolmentFactory.create_batch(2, cohort=cohort, officer__organisation=camden)
    client.force_login(StaffFactory())
    response = client.post(f"/cohorts/{cohort.slug}/edit/", edit_post(cohort, places="Camden: 1"))
    html = response.content.decode()
    assert 'href="#id_places">Places for Camden cannot be less than the 2 officers already selected' in html
    assert OrganisationPlaces.objects.get(cohort=cohort, organisation=camden).places == 3


def test_lowering_an_organisations_places_withdraws_only_its_offer(client):
    camden, hackney = borough("Camden"), borough("Hackney")
    cohort = CohortFactory(capacity=10)
    OrganisationPlaces.objects.create(cohort=cohort, organisation=camden, places=2)
    EnrolmentFactory(cohort=cohort, officer__organisation=camden)
    from_camden = open_offer(cohort, officer=OfficerFactory(organisation=camden))
    from_hackney = open_offer(cohort, officer=OfficerFactory(organisation=hackney))
    client.force_login(StaffFactory())
    client.post(f"/cohorts/{cohort.slug}/edit/", edit_post(cohort, places="Camden: 1"))
    from_camden.refresh_from_db()
    from_hackney.refresh_from_db()
    assert (from_camden.has_open_offer, from_hackney.has_open_offer) == (False, True)
    assert "Camden now has 1 places" in Message.objects.get(kind="place_offer_withdrawn").body_text


def test_accepting_when_the_last_place_has_gone_is_refused_and_ends_the_offer(client):
    # Two offers open for one place (made before the rule): the first to accept takes it.
    cohort = CohortFactory(capacity=2)
    EnrolmentFactory(cohort=cohort)
    first, second = open_offer(cohort), open_offer(cohort)
    client.force_login(first.officer)
    assert client.post(f"/cohorts/applications/{first.pk}/accept/").status_code == 302
    client.force_login(second.officer)
    refused = client.post(f"/cohorts/applications/{second.pk}/accept/")
    html = refused.content.decode()
    assert f"{cohort.name} is full: all 2 places are taken. Your offer has ended and you are still on" in html
    assert "<title>Error: " in html
    second.refresh_from_db()
    assert (second.status, second.has_open_offer) == (Enrolment.Status.WAITLISTED, False)
    assert cohort.enrolments.filter(status=Enrolment.Status.SELECTED).count() == 2


def test_accepting_rechecks_the_organisations_places(client):
    camden = borough("Camden")
    cohort = CohortFactory(capacity=10)
    OrganisationPlaces.objects.create(cohort=cohort, organisation=camden, places=1)
    EnrolmentFactory(cohort=cohort, officer__organisation=camden)
    offered = open_offer(cohort, officer=OfficerFactory(organisation=camden))
    client.force_login(offered.officer)
    html = client.post(f"/cohorts/applications/{offered.pk}/accept/").content.decode()
    assert "Camden has used all of its 1 places" in html
    assert cohort.enrolments.filter(status=Enrolment.Status.SELECTED).count() == 1


def test_a_withdrawn_offer_is_not_recorded_as_lapsed_later():
    cohort = CohortFactory(capacity=2)
    EnrolmentFactory(cohort=cohort)
    offered = open_offer(cohort)
    services.cohort_update(cohort=cohort, name=cohort.name, capacity=1, status=cohort.status, actor=StaffFactory())
    with time_machine.travel(timezone.now() + timedelta(days=services.OFFER_DAYS + 1)):
        assert services.place_offers_lapse() == 0
    assert not EnrolmentEvent.objects.filter(enrolment=offered, note=services.OFFER_LAPSED).exists()
    withdrawn = AuditEvent.objects.get(action=Action.PLACE_OFFER_WITHDRAWN)
    assert withdrawn.object_id == str(offered.pk)
    assert withdrawn.after["offer_expires_at"] < withdrawn.before["offer_expires_at"]
    assert not AuditEvent.objects.filter(action=Action.PLACE_OFFER_LAPSED).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_ten_officers_accepting_offers_for_the_last_place_give_one_place(postgres):
    cohort = CohortFactory(capacity=10)
    EnrolmentFactory.create_batch(9, cohort=cohort)
    offers = [open_offer(cohort) for _ in range(10)]
    barrier = threading.Barrier(len(offers))
    accepted, refused = [], []
    lock = threading.Lock()

    def accept(offer):
        try:
            barrier.wait()
            services.offer_accept(enrolment=offer, officer=offer.officer)
            with lock:
                accepted.append(offer.pk)
        except services.CohortError as error:
            with lock:
                refused.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(accepted) == 1
    assert len(refused) == 9
    assert all(message.startswith(f"{cohort.name} is full: all 10 places are taken.") for message in refused)
    assert cohort.enrolments.filter(status=Enrolment.Status.SELECTED).count() == 10
    still_open = cohort.enrolments.filter(status=Enrolment.Status.WAITLISTED, offer_expires_at__gt=timezone.now())
    assert still_open.count() == 0  # each refused officer's offer ended with the refusal


def test_roster_import_refuses_rows_beyond_an_organisations_places(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    camden = borough("Camden")
    cohort = CohortFactory(capacity=10)
    OrganisationPlaces.objects.create(cohort=cohort, organisation=camden, places=2)
    EnrolmentFactory(cohort=cohort, officer__organisation=camden)
    roster = "email,full_name,organisation\nana@example.org,Ana,Camden\nbo@example.org,Bo,Camden\n"
    client.force_login(StaffFactory())
    upload = SimpleUploadedFile("roster.csv", roster.encode("utf-8-sig"))
    html = client.post(f"/cohorts/{cohort.slug}/roster/import/", {"file": upload}).content.decode()
    assert "Row 3: Camden has used all of its 2 places" in html
    assert cohort.enrolments.count() == 1
