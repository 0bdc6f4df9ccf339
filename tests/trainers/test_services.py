from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cohorts import services as cohort_services
from cohorts.models import Enrolment, EnrolmentEvent
from projects.models import Milestone
from tests.factories import (
    AttendanceFactory,
    CascadeSessionFactory,
    EnrolmentFactory,
    GraduationFactory,
    OfficerFactory,
    ProjectFactory,
    StaffFactory,
    borough,
)
from trainers import services
from trainers.models import CascadeSession, Graduation, TrainerStep

pytestmark = pytest.mark.django_db


def ready_to_graduate():
    """A selected officer who meets every criterion but the showcase: full attendance, all milestones
    signed off."""
    project = ProjectFactory()
    enrolment = Enrolment.objects.get(cohort=project.cohort, officer=project.officers.get())
    AttendanceFactory(enrolment=enrolment, session__cohort=project.cohort, session__week_number=1)
    Milestone.objects.filter(project=project).update(state=Milestone.State.SIGNED_OFF)
    return enrolment


def test_graduation_record_completes_the_enrolment_with_who_and_when():
    enrolment, staff = ready_to_graduate(), StaffFactory()
    graduation = services.graduation_record(enrolment=enrolment, actor=staff, showcase_presented=True)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    event = EnrolmentEvent.objects.filter(enrolment=enrolment).latest("pk")
    assert (event.from_status, event.to_status, event.actor) == ("selected", "completed", staff)
    assert graduation.graduated_on == timezone.localdate()
    assert graduation.recorded_by == staff
    assert len(graduation.verification_token) >= 32


def test_graduation_record_needs_a_reason_when_a_criterion_is_not_met():
    enrolment = ready_to_graduate()
    with pytest.raises(services.CohortError, match="Give a reason"):
        services.graduation_record(enrolment=enrolment, actor=StaffFactory(), showcase_presented=False)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.SELECTED
    assert Graduation.objects.count() == 0
    services.graduation_record(
        enrolment=enrolment, actor=StaffFactory(), showcase_presented=False, note="Ill on showcase day"
    )
    assert EnrolmentEvent.objects.filter(enrolment=enrolment).latest("pk").note == "Ill on showcase day"


def test_graduation_record_refuses_a_second_graduation_and_a_waitlisted_officer():
    graduation = GraduationFactory()
    with pytest.raises(services.CohortError, match="already graduated"):
        services.graduation_record(enrolment=graduation.enrolment, actor=StaffFactory(), showcase_presented=True)
    waitlisted = EnrolmentFactory(status=Enrolment.Status.WAITLISTED)
    with pytest.raises(services.CohortError, match="Only an officer with a place"):
        services.graduation_record(enrolment=waitlisted, actor=StaffFactory(), showcase_presented=True, note="x")


@pytest.mark.parametrize(
    "change",
    [
        lambda enrolment, staff: cohort_services.enrolment_withdraw(enrolment=enrolment, actor=enrolment.officer),
        lambda enrolment, staff: cohort_services.enrolment_select(enrolment=enrolment, actor=staff),
        lambda enrolment, staff: cohort_services.enrolment_waitlist(enrolment=enrolment, actor=staff),
    ],
    ids=["withdraw", "select", "waitlist"],
)
def test_a_graduates_place_cannot_be_changed_so_their_certificate_stays_true(change):
    enrolment = GraduationFactory(enrolment__manager_decision=Enrolment.ManagerDecision.APPROVED).enrolment
    with pytest.raises(services.CohortError, match="has graduated"):
        change(enrolment, StaffFactory())
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.waitlist_position) == (Enrolment.Status.COMPLETED, None)


def test_trainer_step_record_goes_graduate_then_co_facilitator_then_trainer():
    graduate, staff = GraduationFactory().enrolment.officer, StaffFactory()
    today = timezone.localdate()
    with pytest.raises(services.CohortError, match="co-facilitator step before"):
        services.trainer_step_record(graduate=graduate, kind="trainer", happened_on=today, note="x", actor=staff)
    services.trainer_step_record(
        graduate=graduate, kind="co_facilitator", happened_on=today - timedelta(days=5), note="Week 3", actor=staff
    )
    with pytest.raises(services.CohortError, match="cannot be before"):
        services.trainer_step_record(
            graduate=graduate, kind="trainer", happened_on=today - timedelta(days=9), note="x", actor=staff
        )
    with pytest.raises(services.CohortError, match="already recorded"):
        services.trainer_step_record(graduate=graduate, kind="co_facilitator", happened_on=today, note="x", actor=staff)
    step = services.trainer_step_record(
        graduate=graduate, kind="trainer", happened_on=today, note="Week 6", actor=staff
    )
    assert (step.recorded_by, step.note) == (staff, "Week 6")
    assert list(TrainerStep.objects.filter(graduate=graduate).values_list("kind", flat=True)) == [
        "co_facilitator",
        "trainer",
    ]


def test_trainer_step_record_refuses_officers_who_have_not_graduated_and_future_dates():
    staff = StaffFactory()
    with pytest.raises(services.CohortError, match="has not graduated"):
        services.trainer_step_record(
            graduate=EnrolmentFactory().officer,
            kind="co_facilitator",
            happened_on=timezone.localdate(),
            note="x",
            actor=staff,
        )
    with pytest.raises(services.CohortError, match="today or in the past"):
        services.trainer_step_record(
            graduate=GraduationFactory().enrolment.officer,
            kind="co_facilitator",
            happened_on=timezone.localdate() + timedelta(days=1),
            note="x",
            actor=staff,
        )
    assert TrainerStep.objects.count() == 0


def session_data(**overrides):
    data = {
        "delivered_on": timezone.localdate() - timedelta(days=2),
        "topic": "Fuzzy matching names",
        "format": "lunch_and_learn",
        "length_minutes": 45,
        "colleagues_reached": 3,
        "attendee_emails": ["Ann@Example.gov.uk", "ann@example.gov.uk", " bo@example.gov.uk "],
    }
    data.update(overrides)
    return data


def test_cascade_session_create_counts_in_the_graduates_organisation_with_clean_emails():
    graduate = GraduationFactory(enrolment__officer__organisation=borough("Hackney")).enrolment.officer
    session = services.cascade_session_create(graduate=graduate, **session_data())
    assert session.organisation == borough("Hackney")
    assert session.attendee_emails == ["ann@example.gov.uk", "bo@example.gov.uk"]
    assert session.is_verified is False


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"delivered_on": timezone.localdate() + timedelta(days=1)}, "delivered_on", "today or in the past"),
        ({"attendee_emails": ["not-an-email"]}, "attendee_emails", "correct format"),
        ({"colleagues_reached": 1}, "attendee_emails", "at least the number of attendees"),
        ({"colleagues_reached": 0, "attendee_emails": []}, "colleagues_reached", "at least 1"),
    ],
)
def test_cascade_session_create_refuses_bad_input_and_saves_nothing(overrides, field, message):
    graduate = GraduationFactory().enrolment.officer
    with pytest.raises(services.CascadeSessionInvalid, match=message) as caught:
        services.cascade_session_create(graduate=graduate, **session_data(**overrides))
    assert caught.value.field == field
    assert CascadeSession.objects.count() == 0


def test_cascade_session_create_is_only_for_graduates():
    with pytest.raises(PermissionDenied):
        services.cascade_session_create(graduate=EnrolmentFactory().officer, **session_data())
    assert CascadeSession.objects.count() == 0


def test_cascade_session_update_only_by_its_graduate_and_clears_verification():
    session = CascadeSessionFactory()
    services.cascade_session_verify(session=session, actor=StaffFactory())
    with pytest.raises(PermissionDenied):
        services.cascade_session_update(session=session, graduate=OfficerFactory(), **session_data())
    changed = services.cascade_session_update(
        session=session, graduate=session.graduate, **session_data(colleagues_reached=9)
    )
    assert (changed.colleagues_reached, changed.verified_at, changed.verified_by) == (9, None, None)


def test_cascade_session_verify_is_for_staff_only():
    session = CascadeSessionFactory()
    with pytest.raises(PermissionDenied):
        services.cascade_session_verify(session=session, actor=session.graduate)
    staff = StaffFactory()
    services.cascade_session_verify(session=session, actor=staff)
    session.refresh_from_db()
    assert session.verified_by == staff
    assert session.verified_at is not None
