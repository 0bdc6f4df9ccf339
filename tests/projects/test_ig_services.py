from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.models import Message
from projects import services
from projects.models import Dataset, IGCheck, IGCheckEvent, Milestone
from tests.factories import EnrolmentFactory, OfficerFactory, ProjectFactory, StaffFactory
from tests.projects.ig_evidence import confirm_all, record, record_all

pytestmark = pytest.mark.django_db


def personal_dataset(project):
    return Dataset.objects.create(
        project=project, name="Housing register", owning_service="Housing", holds_personal_data=True,
        approximate_records=100, key_fields=["name"],
    )  # fmt: skip


def data_access(project) -> Milestone:
    return project.milestones.get(needs_ig_approval=True)


def test_ig_claims_by_the_officer_do_not_open_data_access_until_staff_confirm_them():
    project = ProjectFactory()
    officer = project.officers.get()
    record_all(project)
    assert list(project.ig_checks.values_list("confirmation", flat=True)) == ["waiting"] * 3
    with pytest.raises(ValidationError, match="until these checks are confirmed"):
        services.milestone_mark_done(milestone=data_access(project), officer=officer, note="All signed")
    assert data_access(project).state == Milestone.State.NOT_STARTED

    staff = StaffFactory()
    for check in project.ig_checks.all():
        services.ig_check_confirm(check=check, actor=staff, confirm=True)
    services.milestone_mark_done(milestone=data_access(project), officer=officer, note="All signed")
    assert data_access(project).state == Milestone.State.DONE


def test_ig_officer_or_staff_on_the_project_or_who_recorded_it_cannot_confirm():
    project = ProjectFactory()
    officer = project.officers.get()
    staff_officer = OfficerFactory(is_programme_staff=True)
    EnrolmentFactory(cohort=project.cohort, officer=staff_officer)
    project.officers.add(staff_officer)
    recorder = StaffFactory()
    dpia = record(project.ig_checks.get(kind="dpia"), officer)
    ethics = record(project.ig_checks.get(kind="ethics"), recorder)
    for actor, check in ((officer, dpia), (staff_officer, dpia), (recorder, ethics)):
        with pytest.raises(PermissionDenied):
            services.ig_check_confirm(check=check, actor=actor, confirm=True)
    assert list(project.ig_checks.filter(confirmation="confirmed")) == []


def test_ig_not_needed_needs_a_reason_and_is_refused_for_a_dpia_while_data_is_personal():
    project = ProjectFactory()
    officer = project.officers.get()
    ethics = project.ig_checks.get(kind="ethics")
    with pytest.raises(ValidationError) as error:
        record(ethics, officer, reason="")
    assert error.value.message_dict == {"reason": ["Enter why it is not needed"]}
    personal_dataset(project)
    with pytest.raises(ValidationError) as error:
        record(project.ig_checks.get(kind="dpia"), officer, status="not_needed", reason="Low risk", decided_on=None)
    assert "A DPIA is needed while any of the project’s datasets holds personal data" in error.value.messages
    assert list(project.ig_checks.values_list("status", flat=True)) == ["not_started"] * 3


def test_ig_approval_needs_the_approver_their_role_a_date_and_a_reference():
    project = ProjectFactory()
    blank = dict.fromkeys(("approver_name", "approver_role", "approver_email", "reference", "document_url"), "")
    with pytest.raises(ValidationError) as error:
        record(project.ig_checks.get(kind="dpia"), project.officers.get(), decided_on=None, **blank)
    assert set(error.value.message_dict) == {
        "decided_on", "approver_name", "approver_role", "approver_email", "reference",
    }  # fmt: skip
    with pytest.raises(ValidationError) as error:
        record(project.ig_checks.get(kind="dpia"), project.officers.get(), approver_email=project.officers.get().email)
    assert error.value.messages == ["The approver must be someone other than the project’s officers"]


def test_ig_officer_moving_a_confirmed_dpia_back_to_in_progress_reopens_data_access_and_tells_the_team():
    project = ProjectFactory()
    officer = project.officers.get()
    confirm_all(project, StaffFactory())
    services.milestone_mark_done(milestone=data_access(project), officer=officer, note="Access granted")
    services.milestone_review(milestone=data_access(project), reviewer=project.lead_mentor, sign_off=True)

    record(project.ig_checks.get(kind="dpia"), officer, status="in_progress")

    milestone = data_access(project)
    assert milestone.state == Milestone.State.SENT_BACK
    assert milestone.review_note.startswith("Reopened because the Data protection impact assessment (DPIA)")
    mail = Message.objects.filter(kind="ig_check_reopened").order_by("to_email")
    assert sorted(mail.values_list("to_email", flat=True)) == sorted([officer.email, project.lead_mentor.email])


def test_ig_staff_reopening_a_confirmed_check_records_why_and_sends_back_data_access():
    project = ProjectFactory()
    staff = StaffFactory()
    confirm_all(project, staff)
    services.milestone_mark_done(milestone=data_access(project), officer=project.officers.get(), note="Done")
    dsa = project.ig_checks.get(kind="data_sharing")
    with pytest.raises(ValidationError):
        services.ig_check_reopen(check=dsa, actor=staff, reason=" ")
    services.ig_check_reopen(check=dsa, actor=staff, reason="The agreement expired in March")
    dsa.refresh_from_db()
    assert (dsa.status, dsa.confirmation) == ("in_progress", "none")
    event = dsa.events.last()
    assert (event.action, event.actor, event.from_status, event.to_status, event.note) == (
        "reopened", staff, "approved", "in_progress", "The agreement expired in March",
    )  # fmt: skip
    assert data_access(project).state == Milestone.State.SENT_BACK
    assert "The agreement expired in March" in data_access(project).review_note
    with pytest.raises(PermissionDenied):
        services.ig_check_reopen(check=dsa, actor=project.officers.get(), reason="x")


def test_ig_rejection_needs_a_reason_and_sends_back_work_done_before_confirmation_existed():
    project = ProjectFactory()
    staff = StaffFactory()
    dpia = record(project.ig_checks.get(kind="dpia"), project.officers.get())
    # As migrated data: the milestone was completed on self-reported checks.
    Milestone.objects.filter(pk=data_access(project).pk).update(state=Milestone.State.DONE)
    with pytest.raises(ValidationError):
        services.ig_check_confirm(check=dpia, actor=staff, confirm=False, note="")
    services.ig_check_confirm(check=dpia, actor=staff, confirm=False, note="Not signed by the DPO")
    dpia.refresh_from_db()
    assert (dpia.confirmation, dpia.reviewed_by, dpia.review_note) == ("rejected", staff, "Not signed by the DPO")
    assert data_access(project).state == Milestone.State.SENT_BACK
    assert Message.objects.filter(kind="ig_check_reopened").count() == 2  # the officer and the lead mentor


def test_ig_history_records_who_when_and_from_what_to_what():
    project = ProjectFactory()
    officer = project.officers.get()
    staff = StaffFactory()
    dpia = project.ig_checks.get(kind="dpia")
    with time_machine.travel(datetime(2026, 2, 2, 10, tzinfo=UTC), tick=False):
        draft = dict.fromkeys(("approver_name", "approver_role", "approver_email", "reference", "document_url"), "")
        record(dpia, officer, status="in_progress", decided_on=None, note="Draft sent to the DPO", **draft)
    record(dpia, officer)
    services.ig_check_confirm(check=dpia, actor=staff, confirm=True, note="Seen the signed copy")
    events = list(dpia.events.all())
    assert [(e.action, e.actor, e.from_status, e.to_status, e.to_confirmation) for e in events] == [
        ("recorded", officer, "not_started", "in_progress", "none"),
        ("recorded", officer, "in_progress", "approved", "waiting"),
        ("requested", officer, "approved", "approved", "waiting"),
        ("confirmed", staff, "approved", "approved", "confirmed"),
    ]
    assert events[0].at == datetime(2026, 2, 2, 10, tzinfo=UTC)
    assert events[0].changes == {"status": ["not_started", "in_progress"], "note": ["", "Draft sent to the DPO"]}
    assert events[1].changes["approver_name"] == ["", "Grace Adeyemi"]
    assert events[1].changes["decided_on"] == ["", "2026-01-05"]


def test_ig_saving_the_same_evidence_again_keeps_the_confirmation():
    project = ProjectFactory()
    dpia = record(project.ig_checks.get(kind="dpia"), project.officers.get())
    services.ig_check_confirm(check=dpia, actor=StaffFactory(), confirm=True)
    record(dpia, project.officers.get())
    dpia.refresh_from_db()
    assert dpia.confirmation == "confirmed"
    record(dpia, project.officers.get(), reference="DPIA-2026-015")
    dpia.refresh_from_db()
    assert dpia.confirmation == "waiting"


def test_ig_approver_link_is_emailed_works_once_and_expires():
    project = ProjectFactory()
    with time_machine.travel(datetime(2026, 2, 2, 10, tzinfo=UTC), tick=False):
        dpia = record(project.ig_checks.get(kind="dpia"), project.officers.get())
        token = services.ig_link_token(dpia)
        message = Message.objects.get(kind="ig_confirmation_request")
        assert message.to_email == "dpo@council.example"
        assert f"/projects/ig/confirm/{token}/" in message.body_text
    with time_machine.travel(datetime(2026, 2, 16, 9, tzinfo=UTC), tick=False):  # 13 days 23 hours later
        assert services.ig_link_check(token) == dpia
    later = time_machine.travel(datetime(2026, 2, 16, 11, tzinfo=UTC), tick=False)  # 14 days 1 hour later
    with later, pytest.raises(services.IGLinkInvalid, match="expired"):
        services.ig_link_check(token)
    with time_machine.travel(datetime(2026, 2, 10, tzinfo=UTC), tick=False):
        services.ig_check_approver_decide(token=token, confirm=True)
        with pytest.raises(services.IGLinkInvalid, match="used"):
            services.ig_link_check(token)
        with pytest.raises(ValidationError, match="already been recorded"):
            services.ig_check_approver_decide(token=token, confirm=False, note="Changed my mind")
    dpia.refresh_from_db()
    assert (dpia.confirmation, dpia.reviewed_by) == ("confirmed", None)
    assert dpia.reviewed_by_label == "Grace Adeyemi, Data Protection Officer (dpo@council.example), by emailed link"
    assert dpia.events.last().actor_label == dpia.reviewed_by_label


def test_ig_approver_link_for_older_evidence_or_tampered_does_not_work():
    project = ProjectFactory()
    dpia = record(project.ig_checks.get(kind="dpia"), project.officers.get())
    old = services.ig_link_token(dpia)
    record(dpia, project.officers.get(), reference="DPIA-2026-099")
    with pytest.raises(services.IGLinkInvalid, match="replaced"):
        services.ig_link_check(old)
    with pytest.raises(services.IGLinkInvalid, match="tampered"):
        services.ig_link_check(old[:-2] + "xx")
    assert Message.objects.filter(kind="ig_confirmation_request").count() == 2
    assert IGCheck.objects.get(pk=dpia.pk).confirmation == "waiting"


def test_ig_data_access_cannot_be_signed_off_on_unconfirmed_checks():
    project = ProjectFactory()
    record_all(project)
    Milestone.objects.filter(pk=data_access(project).pk).update(state=Milestone.State.DONE)
    with pytest.raises(ValidationError, match="until these checks are confirmed"):
        services.milestone_review(milestone=data_access(project), reviewer=project.lead_mentor, sign_off=True)


def test_ig_history_writes_are_always_attributed():
    project = ProjectFactory()
    check = project.ig_checks.get(kind="dpia")
    with pytest.raises(ValueError, match="attributed"):
        services.ig._event(check=check, action="recorded", before=("", ""), actor=None)
    assert IGCheckEvent.objects.count() == 0
