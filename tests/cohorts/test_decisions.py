"""Staff decisions on applications: not selected with a reason and a letter, decisions for many at
once (all or nothing, through a check page), and the line manager's changeable answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts import services
from cohorts.models import Enrolment, EnrolmentEvent
from notifications.models import Message
from tests.factories import CohortFactory, EnrolmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


def approved(cohort, **kwargs):
    return EnrolmentFactory(
        cohort=cohort, status=Enrolment.Status.MANAGER_APPROVED, manager_decision="approved", **kwargs
    )


def outcome_mail():
    return list(Message.objects.filter(kind="application_outcome").order_by("to_email"))


# --- services ---


def test_not_selected_records_the_reason_and_writes_a_letter_to_the_applicant_and_their_manager():
    enrolment = approved(CohortFactory(), line_manager_email="boss@example.org", line_manager_name="Pat Boss")
    staff = StaffFactory()
    services.application_decide(
        enrolment=enrolment,
        decision="not_selected",
        actor=staff,
        reason="later_cohort",
        note="Apply to the spring cohort.",
    )
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.outcome_reason, enrolment.outcome_note) == (
        "not_selected",
        "later_cohort",
        "Apply to the spring cohort.",
    )
    event = enrolment.events.order_by("-pk").first()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "manager_approved",
        "not_selected",
        staff,
        "A later cohort would suit you better",
    )
    letters = {message.to_email: message for message in outcome_mail()}
    assert set(letters) == {"boss@example.org", enrolment.officer.email}
    to_officer, to_manager = letters[enrolment.officer.email], letters["boss@example.org"]
    assert to_officer.recipient == enrolment.officer
    assert to_officer.is_essential
    assert "not selected this time" in to_officer.subject
    assert "Why: A later cohort would suit you better" in to_officer.body_text
    assert "Apply to the spring cohort." in to_officer.body_text
    assert to_manager.subject.startswith("Copy: ")
    assert "Dear Pat Boss," in to_manager.body_text
    assert "Why: A later cohort would suit you better" in to_manager.body_text


def test_not_selected_needs_one_of_the_fixed_reasons():
    enrolment = approved(CohortFactory())
    with pytest.raises(services.CohortError, match="Choose why"):
        services.application_decide(enrolment=enrolment, decision="not_selected", actor=StaffFactory(), reason="meh")
    enrolment.refresh_from_db()
    assert enrolment.status == "manager_approved"
    assert outcome_mail() == []


def test_deciding_many_selects_all_of_them_with_a_letter_each():
    cohort = CohortFactory(capacity=3)
    chosen = [approved(cohort) for _ in range(3)]
    decided = services.applications_decide_many(
        cohort=cohort, enrolment_ids=[e.pk for e in chosen], decision="select", actor=StaffFactory()
    )
    assert len(decided) == 3
    assert set(cohort.enrolments.values_list("status", flat=True)) == {"selected"}
    assert len(outcome_mail()) == 6  # three applicants and their three managers


def test_deciding_many_is_all_or_nothing_when_the_cohort_fills_up():
    cohort = CohortFactory(capacity=2)
    chosen = [approved(cohort) for _ in range(3)]
    with pytest.raises(services.CohortError, match=r"is full.*Nothing has been saved"):
        services.applications_decide_many(
            cohort=cohort, enrolment_ids=[e.pk for e in chosen], decision="select", actor=StaffFactory()
        )
    assert set(cohort.enrolments.values_list("status", flat=True)) == {"manager_approved"}
    assert outcome_mail() == []
    assert not EnrolmentEvent.objects.filter(to_status="selected").exists()


def test_a_dry_run_applies_the_rules_and_saves_nothing():
    cohort = CohortFactory(capacity=3)
    chosen = [approved(cohort) for _ in range(2)]
    services.applications_decide_many(
        cohort=cohort,
        enrolment_ids=[e.pk for e in chosen],
        decision="not_selected",
        reason="oversubscribed",
        actor=StaffFactory(),
        dry_run=True,
    )
    assert set(cohort.enrolments.values_list("status", flat=True)) == {"manager_approved"}
    assert Message.objects.count() == 0


def test_deciding_many_refuses_an_application_of_another_cohort():
    cohort = CohortFactory()
    elsewhere = approved(CohortFactory())
    with pytest.raises(services.CohortError, match="not on this cohort"):
        services.applications_decide_many(
            cohort=cohort, enrolment_ids=[elsewhere.pk], decision="waitlist", actor=StaffFactory()
        )
    elsewhere.refresh_from_db()
    assert elsewhere.status == "manager_approved"


# --- views ---


def test_select_shows_a_check_page_with_the_letter_and_saves_nothing_until_confirmed(client):
    enrolment = approved(CohortFactory(capacity=5))
    client.force_login(StaffFactory())
    url = f"/cohorts/applications/{enrolment.pk}/decide/select/"
    html = client.get(url).content.decode()
    assert "Check your decision" in html
    assert "you have a place" in html
    assert "Confirm and send the letter" in html
    enrolment.refresh_from_db()
    assert enrolment.status == "manager_approved"
    assert Message.objects.count() == 0

    response = client.post(url, {"confirm": ""})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "selected"
    assert len(outcome_mail()) == 2


def test_not_selected_asks_for_a_reason_then_shows_the_letter_then_saves(client):
    enrolment = approved(CohortFactory())
    client.force_login(StaffFactory())
    url = f"/cohorts/applications/{enrolment.pk}/decide/not_selected/"
    missing = client.post(url, {})
    assert "Choose why the application was not selected" in missing.content.decode()

    check = client.post(url, {"reason": "experience", "note": "Try the intro course first."})
    html = check.content.decode()
    assert "Check your decision" in html
    assert "The bootcamp does not fit your experience at the moment" in html
    assert "Try the intro course first." in html
    enrolment.refresh_from_db()
    assert enrolment.status == "manager_approved"

    client.post(url, {"reason": "experience", "note": "Try the intro course first.", "confirm": ""})
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.outcome_reason) == ("not_selected", "experience")


def test_the_applicant_sees_the_outcome_on_their_home_page(client):
    enrolment = approved(CohortFactory())
    services.application_decide(
        enrolment=enrolment, decision="not_selected", actor=StaffFactory(), reason="oversubscribed", note=""
    )
    client.force_login(enrolment.officer)
    html = client.get("/").content.decode()
    assert "Not selected this time: There were more strong applications than places." in html


def test_bulk_decisions_go_through_a_check_page_then_save_all_at_once(client):
    cohort = CohortFactory(capacity=5)
    chosen = [approved(cohort) for _ in range(3)]
    left_alone = approved(cohort)
    client.force_login(StaffFactory())
    url = f"/cohorts/{cohort.slug}/applications/decide/"
    data = {"applications": [str(e.pk) for e in chosen], "decision": "waitlist", "reason": "", "note": ""}
    check = client.post(url, data)
    html = check.content.decode()
    assert check.status_code == 200
    assert "Check your decisions" in html
    assert "Confirm 3 decisions and send the letters" in html
    assert set(cohort.enrolments.values_list("status", flat=True)) == {"manager_approved"}

    response = client.post(url, {**data, "confirm": ""})
    assert response.status_code == 302
    assert sorted(cohort.enrolments.exclude(pk=left_alone.pk).values_list("waitlist_position", flat=True)) == [1, 2, 3]
    left_alone.refresh_from_db()
    assert left_alone.status == "manager_approved"


def test_bulk_check_page_says_when_the_decisions_cannot_all_be_made(client):
    cohort = CohortFactory(capacity=1)
    chosen = [approved(cohort) for _ in range(2)]
    client.force_login(StaffFactory())
    html = client.post(
        f"/cohorts/{cohort.slug}/applications/decide/",
        {"applications": [str(e.pk) for e in chosen], "decision": "select"},
    ).content.decode()
    assert "is full: all 1 places are taken. Nothing has been saved." in html
    assert "send the letters</button>" not in html


def test_bulk_not_selected_needs_a_reason(client):
    cohort = CohortFactory()
    enrolment = approved(cohort)
    client.force_login(StaffFactory())
    html = client.post(
        f"/cohorts/{cohort.slug}/applications/decide/",
        {"applications": [str(enrolment.pk)], "decision": "not_selected"},
    ).content.decode()
    assert "Choose why the application was not selected" in html


def test_bulk_decision_page_query_count_does_not_grow_with_applications(client):
    cohort = CohortFactory()
    approved(cohort)
    client.force_login(StaffFactory())
    url = f"/cohorts/{cohort.slug}/applications/decide/"
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(12):
        approved(cohort)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count('name="applications"') == 13
    assert len(many) == len(one)


def test_the_application_list_links_to_the_bulk_page(client):
    cohort = CohortFactory()
    client.force_login(StaffFactory())
    html = client.get(f"/cohorts/{cohort.slug}/applications/").content.decode()
    assert f'href="/cohorts/{cohort.slug}/applications/decide/"' in html


# --- the line manager's answer ---


def test_manager_changes_their_answer_from_the_link_until_staff_decide(client):
    enrolment = EnrolmentFactory(status="applied", manager_decision="pending")
    url = f"/cohorts/manager/{services.manager_link_token(enrolment)}/"
    client.post(url, {"decision": "approve"})
    html = client.get(url).content.decode()
    assert "You can change your answer" in html
    assert "Change my answer" in html
    client.post(url, {"decision": "decline"})
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.manager_decision) == ("applied", "declined")

    services.application_decide(
        enrolment=enrolment, decision="not_selected", actor=StaffFactory(), reason="oversubscribed"
    )
    html = client.get(url).content.decode()
    assert "can no longer be changed" in html
    assert 'name="decision"' not in html
    refused = client.post(url, {"decision": "approve"}).content.decode()
    assert "already decided on this application" in refused
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.manager_decision) == ("not_selected", "declined")
