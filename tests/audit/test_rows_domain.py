"""Issue 13, continued: application decisions, IG confirmations, registers, graduation, bookings,
downloads of personal data and staff views of an officer's private record each leave their row,
written by the code path itself (see test_rows.py for signing in, roles and refusals)."""

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from audit.actions import Action
from audit.models import AuditEvent
from cohorts import services as cohort_services
from cohorts.models import Enrolment
from mentoring.services import booking_create
from notifications.models import Message
from projects.models import IGCheck
from tests.audit.rows import ADDRESS, about, ref, the_row, web
from tests.factories import (
    AttendanceFactory,
    AvailabilityWindowFactory,
    BookingFactory,
    CohortFactory,
    EnrolmentFactory,
    GraduationFactory,
    MentorFactory,
    OfficerFactory,
    ProgressLogFactory,
    ProjectFactory,
    StaffFactory,
    TrainingSessionFactory,
)
from tests.projects.ig_evidence import record as record_evidence
from trainers.models import Graduation

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def signed_in(user):
    client = web()
    client.force_login(user)
    return client


def approved_application(**kwargs) -> Enrolment:
    status = Enrolment.Status.MANAGER_APPROVED
    return EnrolmentFactory(cohort=CohortFactory(capacity=5), status=status, manager_decision="approved", **kwargs)


# --- application decisions ---


def test_staff_selecting_an_application_writes_the_status_change():
    enrolment = approved_application()
    staff = StaffFactory()
    response = signed_in(staff).post(f"/cohorts/applications/{enrolment.pk}/decide/select/", {"confirm": ""})
    assert response.status_code == 302

    event = the_row(Action.ENROLMENT_STATUS_CHANGED)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert about(event) == ref(enrolment)
    assert (event.before, event.after) == ({"status": "manager_approved"}, {"status": "selected"})


def test_not_selected_row_keeps_the_reason():
    enrolment = approved_application()
    staff = StaffFactory()
    url = f"/cohorts/applications/{enrolment.pk}/decide/not_selected/"
    signed_in(staff).post(url, {"reason": "experience", "note": "Try the intro course", "confirm": ""})

    event = the_row(Action.ENROLMENT_STATUS_CHANGED)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert (event.before, event.after) == ({"status": "manager_approved"}, {"status": "not_selected"})
    assert event.detail == {"note": Enrolment.OutcomeReason("experience").label}


def test_line_manager_answer_writes_a_row_naming_the_manager_for_both_changes():
    enrolment = EnrolmentFactory(status="applied", manager_decision="pending", line_manager_email="boss@example.org")
    url = f"/cohorts/manager/{cohort_services.manager_link_token(enrolment)}/"
    assert web().post(url, {"decision": "approve"}).status_code in (200, 302)

    decided = the_row(Action.APPLICATION_MANAGER_DECIDED)
    assert (decided.actor, decided.actor_label, decided.ip_address) == (None, "line manager boss@example.org", ADDRESS)
    assert about(decided) == ref(enrolment)
    assert (decided.before, decided.after) == ({"manager_decision": "pending"}, {"manager_decision": "approved"})
    status = the_row(Action.ENROLMENT_STATUS_CHANGED)
    assert (status.actor_label, status.ip_address) == ("line manager boss@example.org", ADDRESS)
    assert (status.before, status.after) == ({"status": "applied"}, {"status": "manager_approved"})


def test_staff_score_row_has_the_score_before_and_after():
    enrolment = approved_application()
    staff = StaffFactory()
    client = signed_in(staff)
    url = f"/cohorts/applications/{enrolment.pk}/score/"
    client.post(url, {"score": "3", "comment": ""})
    client.post(url, {"score": "5", "comment": "Strong problem"})

    rows = list(AuditEvent.objects.filter(action=Action.APPLICATION_SCORED).order_by("id"))
    assert [(row.before, row.after) for row in rows] == [({}, {"score": 3}), ({"score": 3}, {"score": 5})]
    assert {(row.actor, row.ip_address, about(row)) for row in rows} == {(staff, ADDRESS, ref(enrolment))}


def test_a_roster_import_writes_a_row_for_each_place_and_each_new_officer_role():
    cohort = CohortFactory(capacity=10)
    waiting = EnrolmentFactory(cohort=cohort, status="waitlisted", waitlist_position=1)
    mentor = MentorFactory(email="mentor.person@example.org")
    staff = StaffFactory()
    content = (
        "email,full_name,organisation,job_title,stream\n"
        "new@example.org,New Officer,Camden,Analyst,\n"
        f"{waiting.officer.email},Waiting Officer,Camden,Analyst,\n"
        "mentor.person@example.org,Mentor Person,Hackney,Lead,\n"
    )
    response = signed_in(staff).post(f"/cohorts/{cohort.slug}/roster/import/", {"content": content})
    assert response.status_code == 302

    places = AuditEvent.objects.filter(action=Action.ENROLMENT_STATUS_CHANGED)
    by_officer = {Enrolment.objects.get(pk=row.object_id).officer.email: row for row in places}
    assert {email: row.before for email, row in by_officer.items()} == {
        "new@example.org": {"status": "applied"},
        waiting.officer.email: {"status": "waitlisted"},
        "mentor.person@example.org": {"status": "applied"},
    }
    assert {(row.actor, row.ip_address, str(row.after)) for row in places} == {
        (staff, ADDRESS, "{'status': 'selected'}")
    }
    roles = {row.object_id: row for row in AuditEvent.objects.filter(action=Action.ROLE_CHANGED)}
    new = User.objects.get(email="new@example.org")
    assert set(roles) == {str(new.pk), str(mentor.pk)}
    assert (roles[str(new.pk)].before, roles[str(new.pk)].after) == ({}, {"is_officer": True, "is_active": True})
    assert (roles[str(mentor.pk)].before, roles[str(mentor.pk)].after) == ({"is_officer": False}, {"is_officer": True})
    assert {(row.actor, row.ip_address) for row in roles.values()} == {(staff, ADDRESS)}


# --- IG ---


EVIDENCE = {
    "status": "approved",
    "approver_name": "Grace Adeyemi",
    "approver_role": "Data Protection Officer",
    "approver_email": "dpo@council.example",
    "decided_on_0": "5",
    "decided_on_1": "1",
    "decided_on_2": "2026",
    "reference": "DPIA-2026-014",
    "document_url": "https://sharepoint.example/dpia.pdf",
    "reason": "",
    "note": "",
}


def test_officer_recording_ig_evidence_writes_a_row_with_the_changed_fields():
    project = ProjectFactory()
    officer = project.officers.get()
    assert signed_in(officer).post(f"/projects/{project.pk}/ig/dpia/", EVIDENCE).status_code == 302

    check = IGCheck.objects.get(project=project, kind="dpia")
    event = the_row(Action.IG_CHECK_UPDATED)
    assert (event.actor, event.ip_address) == (officer, ADDRESS)
    assert about(event) == ref(check)
    assert event.after["status"] == "approved" and event.after["confirmation"] == "waiting"
    assert event.after["reference"] == "DPIA-2026-014" and event.before["reference"] == ""
    assert event.before["status"] == "not_started"


def test_staff_confirming_an_ig_check_writes_the_decision():
    project = ProjectFactory()
    check = record_evidence(project.ig_checks.get(kind="dpia"), project.officers.get())
    staff = StaffFactory()
    url = f"/projects/{project.pk}/ig/dpia/review/"
    assert signed_in(staff).post(url, {"decision": "confirm", "review_note": "Seen it"}).status_code == 302

    event = the_row(Action.IG_CHECK_DECIDED)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert about(event) == ref(check)
    assert (event.before, event.after) == ({"confirmation": "waiting"}, {"confirmation": "confirmed"})
    assert event.detail == {"note": "Seen it"}


def test_the_approvers_decision_through_their_link_writes_a_row_naming_them():
    project = ProjectFactory()
    check = record_evidence(project.ig_checks.get(kind="dpia"), project.officers.get())
    body = Message.objects.get(to_email="dpo@council.example").body_text
    link = re.search(r"https?://[^/\s]+(/projects/ig/confirm/[^\s]+/)", body).group(1)
    web().post(link, {"decision": "reject", "review_note": "Wrong version"})

    event = the_row(Action.IG_CHECK_DECIDED)
    assert (event.actor, event.ip_address) == (None, ADDRESS)
    assert "dpo@council.example" in event.actor_label
    assert about(event) == ref(check)
    assert (event.before, event.after) == ({"confirmation": "waiting"}, {"confirmation": "rejected"})


def test_staff_reopening_an_ig_check_writes_a_row_with_the_reason():
    project = ProjectFactory()
    check = record_evidence(project.ig_checks.get(kind="dpia"), project.officers.get())
    cohort_staff = StaffFactory()
    client = signed_in(cohort_staff)
    url = f"/projects/{project.pk}/ig/dpia/review/"
    client.post(url, {"decision": "confirm"})
    assert client.post(url, {"reason": "The agreement expired"}).status_code == 302

    event = the_row(Action.IG_CHECK_REOPENED)
    assert (event.actor, event.ip_address) == (cohort_staff, ADDRESS)
    assert about(event) == ref(check)
    assert event.before == {"status": "approved", "confirmation": "confirmed"}
    assert event.after == {"status": "in_progress", "confirmation": "none"}
    assert event.detail == {"reason": "The agreement expired"}


# --- registers and graduation ---


def test_saving_a_register_writes_each_changed_mark_before_and_after():
    cohort = CohortFactory(status="running", start_date=timezone.localdate() - timedelta(weeks=2))
    yesterday = timezone.now() - timedelta(days=1)
    session = TrainingSessionFactory(
        cohort=cohort, week_number=2, starts_at=yesterday, ends_at=yesterday + timedelta(hours=6)
    )
    was_absent = AttendanceFactory(session=session, mark="absent").enrolment
    unmarked = EnrolmentFactory(cohort=cohort)
    staff = StaffFactory()
    url = f"/cohorts/{cohort.slug}/sessions/{session.pk}/register/"
    assert signed_in(staff).post(url, {"default": "present", f"mark_{unmarked.pk}": "late"}).status_code == 302

    event = the_row(Action.REGISTER_SAVED)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert about(event) == ref(session)
    assert event.before == {f"enrolment {was_absent.pk}": "absent", f"enrolment {unmarked.pk}": None}
    assert event.after == {f"enrolment {was_absent.pk}": "present", f"enrolment {unmarked.pk}": "late"}
    assert event.detail == {"marks": 2}


def test_recording_a_graduation_writes_a_row_for_the_certificate_and_the_place():
    enrolment = EnrolmentFactory(status=Enrolment.Status.SELECTED)
    staff = StaffFactory()
    url = f"/trainers/cohorts/{enrolment.cohort.slug}/graduation/{enrolment.pk}/"
    data = {"showcase_presented": "no", "note": "Presented at the reserve showcase"}
    assert signed_in(staff).post(url, data).status_code == 302

    graduation = Graduation.objects.get(enrolment=enrolment)
    event = the_row(Action.GRADUATION_RECORDED)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert about(event) == ref(graduation)
    assert event.after == {"graduated_on": timezone.localdate().isoformat(), "showcase_presented": False}
    assert event.detail == {"note": "Presented at the reserve showcase"}
    place = the_row(Action.ENROLMENT_STATUS_CHANGED)
    assert (place.actor, place.before, place.after) == (staff, {"status": "selected"}, {"status": "completed"})


# --- bookings ---


def test_cancelling_a_booking_writes_the_status_before_and_after():
    booking = BookingFactory()
    officer = booking.officer
    assert signed_in(officer).post(f"/mentoring/sessions/{booking.pk}/cancel/").status_code == 302

    event = the_row(Action.BOOKING_CHANGED)
    assert (event.actor, event.ip_address) == (officer, ADDRESS)
    assert about(event) == ref(booking)
    assert (event.before, event.after) == ({"status": "confirmed"}, {"status": "cancelled"})
    assert event.detail == {"change": "cancelled"}


def test_booking_a_slot_writes_a_row_for_the_new_booking():
    tuesday = date(2026, 3, 24)
    with time_machine.travel(datetime(2026, 3, 20, 9, tzinfo=LONDON), tick=False):
        mentor = AvailabilityWindowFactory(weekday=1, starts_time=time(10), ends_time=time(13)).mentor
        officer = OfficerFactory()
        starts_at = datetime.combine(tuesday, time(11), tzinfo=LONDON).astimezone(UTC)
        booking = booking_create(officer=officer, mentor=mentor, starts_at=starts_at)
        event = the_row(Action.BOOKING_CHANGED)
    assert (event.actor, about(event)) == (officer, ref(booking))
    assert (event.before, event.after) == ({}, {"status": "confirmed", "starts_at": starts_at.isoformat()})
    assert event.detail == {"change": "created"}


# --- downloads of personal data ---


def cohort_with_people():
    project = ProjectFactory()
    EnrolmentFactory(cohort=project.cohort)
    return project.cohort


@pytest.mark.parametrize(
    ("path", "filename", "what"),
    [
        ("/cohorts/{slug}/roster.csv", "{slug}-roster.csv", "roster"),
        ("/cohorts/{slug}/attendance.csv", "{slug}-attendance.csv", "attendance"),
        ("/projects/cohort/{slug}/progress.csv", "progress-{slug}.csv", "cohort progress"),
    ],
)
def test_each_csv_download_of_personal_data_writes_a_row(path, filename, what):
    cohort = cohort_with_people()
    staff = StaffFactory()
    response = signed_in(staff).get(path.format(slug=cohort.slug))
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    event = the_row(Action.PERSONAL_DATA_DOWNLOADED)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert about(event) == ref(cohort)
    assert event.detail == {"file": filename.format(slug=cohort.slug), "what": what, "rows": len(lines) - 1}
    assert len(lines) > 1


def test_staff_making_a_subject_access_export_writes_a_row_naming_whose_data():
    officer = OfficerFactory()
    staff = StaffFactory()
    response = signed_in(staff).post(f"/accounts/people/{officer.pk}/data/")
    assert response["Content-Type"] == "application/zip"

    event = the_row(Action.SUBJECT_ACCESS_EXPORT)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert about(event) == ref(officer)
    assert event.detail == {"via": "staff, from the person's page", "bytes": len(response.content)}


def test_a_persons_own_data_download_writes_a_row():
    officer = OfficerFactory()
    response = signed_in(officer).post("/account/your-data/")
    event = the_row(Action.SUBJECT_ACCESS_EXPORT)
    assert (event.actor, event.ip_address, about(event)) == (officer, ADDRESS, ref(officer))
    assert event.detail == {"via": "own download", "bytes": len(response.content)}


def test_the_subject_access_command_writes_a_row_naming_the_command(tmp_path):
    officer = OfficerFactory()
    call_command("subject_access_export", officer.email, out=str(tmp_path / "data.zip"))
    event = the_row(Action.SUBJECT_ACCESS_EXPORT)
    assert (event.actor, event.actor_label) == (None, "command line (manage.py subject_access_export)")
    assert about(event) == ref(officer)


# --- staff views of an officer's private record ---


def private_records():
    """(url, the record, its owner, what the row calls it) for each kind of private record."""
    log = ProgressLogFactory()
    project = log.project
    enrolment = Enrolment.objects.get(cohort=project.cohort, officer=log.officer)
    booking = BookingFactory()
    milestone = project.milestones.order_by("order").first()
    check = IGCheck.objects.get(project=project, kind="dpia")
    return [
        (f"/projects/{project.pk}/", project, log.officer, "project"),
        (f"/projects/{project.pk}/milestones/{milestone.pk}/", milestone, log.officer, "milestone"),
        (f"/projects/{project.pk}/ig/dpia/", check, log.officer, "IG check"),
        (f"/projects/{project.pk}/logs/{log.pk}/", log, log.officer, "progress log"),
        (f"/cohorts/applications/{enrolment.pk}/", enrolment, log.officer, "application"),
        (f"/mentoring/sessions/{booking.pk}/", booking, booking.officer, "mentoring session"),
    ]


def test_staff_viewing_an_officers_private_record_writes_a_row_for_each_kind():
    records = private_records()
    staff = StaffFactory()
    client = signed_in(staff)
    for url, obj, _, what in records:
        assert client.get(url).status_code == 200, url
        event = the_row(Action.PRIVATE_RECORD_VIEWED, object_type=obj._meta.label_lower)
        assert (event.actor, event.ip_address, about(event)) == (staff, ADDRESS, ref(obj)), url
        assert event.detail == {"what": what, "path": url}


def test_staff_viewing_a_graduates_record_writes_a_row():
    officer = GraduationFactory().enrolment.officer
    staff = StaffFactory()
    url = f"/trainers/graduates/{officer.pk}/"
    assert signed_in(staff).get(url).status_code == 200
    event = the_row(Action.PRIVATE_RECORD_VIEWED)
    assert (event.actor, about(event), event.detail) == (staff, ref(officer), {"what": "graduate record", "path": url})


def test_officers_viewing_their_own_record_write_no_row():
    for url, _, owner, _ in private_records():
        assert signed_in(owner).get(url).status_code == 200, url
    assert not AuditEvent.objects.filter(action=Action.PRIVATE_RECORD_VIEWED).exists()
