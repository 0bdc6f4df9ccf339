"""Erasure: staff (or the command line) erase a person; identity and free text go, sign-in ends, the
programme's figures stay; it is refused, with the reason shown, while something is still open."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import IdentityProvider, LinkedIdentity, User, UserSession
from audit.actions import Action
from audit.models import AuditEvent
from cohorts.models import Enrolment, SessionFeedback
from home import erasure
from home.erasure import ERASED_NAME, erased_email, erasure_obstacles, person_erase
from mentoring.models import AvailabilityException, Booking
from notifications.models import Message
from notifications.sending import message_deliver
from projects.models import ProgressLog
from tests.factories import (
    PASSWORD,
    BookingFactory,
    EnrolmentFactory,
    MessageFactory,
    OfficerFactory,
    OrganisationFactory,
    ProgressLogFactory,
    RunningCohortFactory,
    StaffFactory,
    TrainingSessionFactory,
)
from trainers.models import CascadeSession

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "bootcamp-demo"


def can_sign_in(email: str, password: str) -> bool:
    client = Client()
    client.post(reverse("accounts:login"), {"username": email, "password": password})
    return "_auth_user_id" in client.session


def impact_export() -> str:
    out = io.StringIO()
    call_command("export_impact", stdout=out)
    return out.getvalue()


def state_of(person: User) -> dict:
    """What erasure would change about a person, to show that a refusal changed none of it."""
    person = User.objects.get(pk=person.pk)
    return {
        "person": (person.email, person.full_name, person.job_title, person.is_active, person.password),
        "logs": list(ProgressLog.objects.filter(officer=person).values_list("what_i_did", "whats_next", "blockers")),
        "applications": list(Enrolment.objects.filter(officer=person).values_list("motivation", "line_manager_email")),
        "bookings": list(Booking.objects.filter(officer=person).values_list("agenda", "feedback")),
        "emails": list(Message.objects.filter(recipient=person).values_list("to_email", "subject", "body_text")),
    }


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)
    return User.objects.get(email="staff@example.org")


def test_staff_erase_a_demo_graduate_identity_free_text_and_sign_in_go(demo, client):
    graduate = User.objects.get(email="grad1@example.org")
    Enrolment.objects.filter(officer=graduate).update(motivation="I want to learn Splink", proposed_problem="Rents")
    MessageFactory(recipient=graduate, subject="Your certificate", body_text="Well done, Aisha")
    assert Booking.objects.filter(officer=graduate).exclude(agenda="").exists()
    assert CascadeSession.objects.filter(graduate=graduate).exclude(attendee_emails=[]).exists()
    assert can_sign_in("grad1@example.org", DEMO_PASSWORD)
    client.force_login(demo)

    page = client.get(reverse("privacy:person_erase", args=[graduate.pk]))
    assert page.status_code == 200
    assert "cannot be erased yet" not in page.content.decode()
    response = client.post(reverse("privacy:person_erase", args=[graduate.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:people_list")
    graduate.refresh_from_db()
    assert (graduate.full_name, graduate.email, graduate.job_title) == (ERASED_NAME, erased_email(graduate), "")
    assert not graduate.is_active
    assert not graduate.has_usable_password()
    assert set(Enrolment.objects.filter(officer=graduate).values_list("motivation", "proposed_problem")) == {("", "")}
    assert set(Enrolment.objects.filter(officer=graduate).values_list("line_manager_name", "line_manager_email")) == {
        ("", "")
    }
    assert set(Booking.objects.filter(officer=graduate).values_list("agenda", "feedback", "move_reason")) == {
        ("", "", "")
    }
    assert list(CascadeSession.objects.filter(graduate=graduate).values_list("attendee_emails", flat=True)) == [
        [] for _ in range(CascadeSession.objects.filter(graduate=graduate).count())
    ]
    emails = Message.objects.filter(recipient=graduate)
    assert set(emails.values_list("to_email", "subject", "body_text")) == {(erased_email(graduate), "(erased)", "")}
    assert not Message.objects.filter(to_email__iexact="grad1@example.org").exists()
    assert not User.objects.filter(email="grad1@example.org").exists()
    assert not can_sign_in("grad1@example.org", DEMO_PASSWORD)
    assert not can_sign_in(erased_email(graduate), DEMO_PASSWORD)
    event = AuditEvent.objects.get(action=Action.PERSON_ERASED)
    assert (event.actor, event.object_id) == (demo, str(graduate.pk))
    assert event.before == {"email": "grad1@example.org", "full_name": "Aisha Mohammed"}


def test_erasure_keeps_the_impact_export_the_same(demo, client):
    before = impact_export()
    erasable = [
        person
        for person in User.objects.filter(is_officer=True).order_by("email")
        if not erasure_obstacles(person) and (person.enrolments.exists() or person.cascade_sessions.exists())
    ]
    assert len(erasable) >= 12  # the spring graduates and the applicants
    client.force_login(demo)

    client.post(reverse("privacy:person_erase", args=[erasable[0].pk]))
    for person in erasable[1:]:
        person_erase(person=person, actor=demo)

    assert User.objects.filter(pk__in=[p.pk for p in erasable], full_name=ERASED_NAME).count() == len(erasable)
    assert impact_export() == before
    assert any(int(row.split(",")[8]) > 0 for row in before.splitlines()[1:])  # colleagues reached, somewhere


def test_erasure_is_refused_with_both_reasons_while_a_demo_officer_has_a_session_and_a_running_cohort(demo, client):
    officer = User.objects.get(email="officer@example.org")
    before = state_of(officer)
    client.force_login(demo)

    page = client.get(reverse("privacy:person_erase", args=[officer.pk])).content.decode()
    response = client.post(reverse("privacy:person_erase", args=[officer.pk]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Amara Johnson cannot be erased yet" in text
    assert "upcoming mentoring session" in text and "cancel or finish them first" in text
    assert "has a place on Pilot cohort, which is still running" in text
    assert "has a place on Pilot cohort, which is still running" in page
    assert 'class="govuk-button govuk-button--warning"' not in text
    assert state_of(officer) == before
    assert can_sign_in("officer@example.org", DEMO_PASSWORD)
    assert not AuditEvent.objects.filter(action=Action.PERSON_ERASED).exists()
    refused = AuditEvent.objects.get(action=Action.ERASURE_REFUSED)
    assert (refused.actor, refused.object_id) == (demo, str(officer.pk))
    assert len(refused.detail["reasons"]) == 2


def test_erasure_is_refused_for_an_upcoming_session_alone():
    officer = OfficerFactory()
    BookingFactory(officer=officer, starts_at=timezone.now() + timedelta(hours=2))
    before = state_of(officer)

    with pytest.raises(erasure.ErasureRefused) as refused:
        person_erase(person=officer, actor=StaffFactory())

    assert refused.value.reasons == [
        f"{officer.full_name} has 1 upcoming mentoring session: cancel or finish them first"
    ]
    assert state_of(officer) == before


def test_erasure_is_refused_for_a_place_on_a_running_cohort_alone():
    cohort = RunningCohortFactory(name="Winter cohort")
    officer = EnrolmentFactory(cohort=cohort).officer
    ProgressLogFactory(project__cohort=cohort, project__officers=[officer], what_i_did="Blocked on postcode")
    before = state_of(officer)

    with pytest.raises(erasure.ErasureRefused) as refused:
        person_erase(person=officer, actor=StaffFactory())

    assert refused.value.reasons == [
        f"{officer.full_name} has a place on Winter cohort, which is still running: "
        "withdraw them or wait until it finishes"
    ]
    assert state_of(officer) == before


def test_erasure_goes_ahead_after_a_past_session_and_a_cancelled_one():
    officer = OfficerFactory()
    BookingFactory(officer=officer, starts_at=timezone.now() - timedelta(days=7))
    BookingFactory(officer=officer, starts_at=timezone.now() + timedelta(days=7), status="cancelled")

    assert erasure_obstacles(officer) == []
    person_erase(person=officer, actor=StaffFactory())
    assert User.objects.get(pk=officer.pk).full_name == ERASED_NAME


def test_erasure_changes_nothing_if_it_fails_part_way(monkeypatch):
    officer = EnrolmentFactory(status=Enrolment.Status.COMPLETED, motivation="Why I applied").officer
    MessageFactory(recipient=officer, subject="Hello there")
    before = state_of(officer)

    def fail(action, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(erasure, "record", fail)
    with pytest.raises(RuntimeError):
        person_erase(person=officer, actor=StaffFactory())

    assert state_of(officer) == before
    assert can_sign_in(officer.email, PASSWORD)


def test_an_officer_cannot_erase_anyone(client):
    officer = OfficerFactory()
    other = OfficerFactory()
    client.force_login(officer)

    for method in (client.get, client.post):
        assert method(reverse("privacy:person_erase", args=[other.pk])).status_code == 403
    assert User.objects.get(pk=other.pk).email == other.email


def test_erase_person_command_erases_as_the_page_does():
    officer = EnrolmentFactory(status=Enrolment.Status.COMPLETED, motivation="Why I applied").officer
    email = officer.email
    stdout = io.StringIO()

    call_command("erase_person", email.upper(), stdout=stdout)

    officer.refresh_from_db()
    assert (officer.full_name, officer.email, officer.is_active) == (ERASED_NAME, erased_email(officer), False)
    assert Enrolment.objects.get(officer=officer).motivation == ""
    assert f"Erased {email.upper()} (now {erased_email(officer)})" in stdout.getvalue()
    assert not can_sign_in(email, PASSWORD)
    event = AuditEvent.objects.get(action=Action.PERSON_ERASED)
    assert (event.actor, event.actor_label) == (None, "command line (manage.py erase_person)")


def test_erase_person_command_refuses_with_the_reason_and_changes_nothing():
    officer = OfficerFactory()
    BookingFactory(officer=officer)
    before = state_of(officer)

    with pytest.raises(CommandError, match=r"Not erased: .* has 1 upcoming mentoring session"):
        call_command("erase_person", officer.email, stdout=io.StringIO())

    assert state_of(officer) == before
    refused = AuditEvent.objects.get(action=Action.ERASURE_REFUSED)
    assert refused.actor_label == "command line (manage.py erase_person)"


def test_erase_person_command_refuses_an_unknown_email():
    with pytest.raises(CommandError, match=re.escape("Nobody has the email address nobody@example.org")):
        call_command("erase_person", "nobody@example.org")


def test_erasure_removes_session_feedback_words_leave_reasons_the_council_sign_in_and_open_sessions():
    enrolment = EnrolmentFactory(status=Enrolment.Status.COMPLETED)
    officer = enrolment.officer
    feedback = SessionFeedback.objects.create(
        session=TrainingSessionFactory(cohort=enrolment.cohort), officer=officer, pace=4, clarity=3, usefulness=5,
        went_well="My manager finally let me code", to_change="Less time on slides",
    )  # fmt: skip
    leave = AvailabilityException.objects.create(
        mentor=officer, starts_on=timezone.localdate(), ends_on=timezone.localdate(), reason="Hospital appointment"
    )
    provider = IdentityProvider.objects.create(
        organisation=OrganisationFactory(), slug="council", display_name="Council", issuer="https://id.example.org",
        client_id="bootcamp", client_secret_env="OIDC_SECRET_COUNCIL", allowed_domains="example.org",
    )  # fmt: skip
    LinkedIdentity.objects.create(
        user=officer, provider=provider, issuer=provider.issuer, subject="abc-123", email_at_link=officer.email
    )
    signed_in = Client()
    signed_in.post(reverse("accounts:login"), {"username": officer.email, "password": PASSWORD})
    assert UserSession.objects.filter(user=officer).count() == 1

    result = person_erase(person=officer, actor=StaffFactory())

    feedback.refresh_from_db()
    assert (feedback.went_well, feedback.to_change, feedback.pace, feedback.usefulness) == ("", "", 4, 5)
    leave.refresh_from_db()
    assert leave.reason == ""
    assert not LinkedIdentity.objects.filter(user=officer).exists()
    assert not UserSession.objects.filter(user=officer).exists()
    assert result.counts["sessions_ended"] == 1
    assert signed_in.get(reverse("home")).status_code == 302


def test_erasure_cancels_the_emails_still_waiting_to_go_to_the_person(mailoutbox):
    officer = OfficerFactory()
    waiting = MessageFactory(recipient=officer, status=Message.Status.QUEUED, subject="Your session tomorrow")
    sent = MessageFactory(recipient=officer, status=Message.Status.SENT, sent_at=timezone.now())

    person_erase(person=officer, actor=StaffFactory())

    waiting.refresh_from_db()
    sent.refresh_from_db()
    assert (waiting.status, sent.status) == (Message.Status.CANCELLED, Message.Status.SENT)
    assert message_deliver(message_id=waiting.pk) is False
    assert mailoutbox == []


def test_a_person_is_erased_once_the_page_and_the_command_say_so(client):
    officer = OfficerFactory()
    person_erase(person=officer, actor=StaffFactory())
    client.force_login(StaffFactory())

    response = client.post(reverse("privacy:person_erase", args=[officer.pk]), follow=True)

    assert "This person has already been erased." in response.content.decode()
    with pytest.raises(CommandError, match="Not erased: Erased person has already been erased"):
        call_command("erase_person", erased_email(officer))
    assert AuditEvent.objects.filter(action=Action.PERSON_ERASED).count() == 1


def test_erasure_blanks_ig_notes_linkage_notes_outcome_notes_and_practice_files_but_keeps_the_counts():
    from exercises.models import Submission
    from projects.models import IGCheck, IGCheckEvent, LinkageRun
    from tests.exercises.conftest import hand_exercise
    from tests.factories import LinkageRunFactory, ProjectFactory

    enrolment = EnrolmentFactory(status=Enrolment.Status.COMPLETED, outcome_note="Selected: strong DPIA story")
    officer = enrolment.officer
    project = ProjectFactory(cohort=enrolment.cohort, officers=[officer])
    check = IGCheck.objects.filter(project=project).first()
    IGCheck.objects.filter(pk=check.pk).update(note="Our DPO is Jo Bloggs", recorded_by=officer)
    event = IGCheckEvent.objects.create(
        ig_check=check, action="recorded", actor=officer, actor_label=officer.full_name, to_status="approved",
        to_confirmation="waiting", note="Sent to Jo",
    )  # fmt: skip
    run = LinkageRunFactory(project=project, recorded_by=officer, note="Matched the council tax file")
    exercise = hand_exercise(cohort=enrolment.cohort)
    submission = Submission.objects.create(
        exercise=exercise, officer=officer, file_name="jo-bloggs-pairs.csv", pairs_csv="left_id,right_id\nL1,R1\n",
        pair_count=1,
    )  # fmt: skip

    person_erase(person=officer, actor=StaffFactory())

    enrolment.refresh_from_db()
    check.refresh_from_db()
    event.refresh_from_db()
    run.refresh_from_db()
    submission.refresh_from_db()
    assert (enrolment.outcome_note, check.note, run.note) == ("", "", "")
    assert (event.actor_label, event.note, event.to_status) == (ERASED_NAME, "", "approved")
    assert (submission.file_name, submission.pairs_csv, submission.pair_count) == ("(erased)", "", 1)
    assert LinkageRun.objects.get(pk=run.pk).matches_accepted == run.matches_accepted
