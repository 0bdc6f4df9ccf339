"""Issue 13: each kind of event leaves its audit row, written by the code path that did the thing.
Each test drives the real path (a request through the test client, or the service the view calls)
and then reads the row: what, who, from which address, which object, and before/after for changes.

This file: signing in and out, lockouts, the second factor, roles and refusals. Domain changes,
downloads and staff views of private records are in test_rows_domain.py."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import User
from audit.actions import Action
from audit.models import AuditEvent
from tests.audit.rows import ADDRESS, about, ref, the_row, web
from tests.conftest import totp_code
from tests.factories import PASSWORD, MentorFactory, OfficerFactory, ProjectFactory, StaffFactory
from tests.projects.ig_evidence import record as record_evidence

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
CODE = "/accounts/login/code/"
SET_UP = "/accounts/account/two-factor/set-up/"


def with_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="App", key=twofactor.new_secret(), confirmed=True, tolerance=1)


def signed_in_as(user):
    client = web()
    client.force_login(user)
    return client


def password_step(client, email: str, password: str = PASSWORD):
    return client.post(SIGN_IN, {"username": email, "password": password})


# --- signing in ---


def test_sign_in_row_names_the_person_their_address_and_how():
    officer = OfficerFactory(email="Signs.In@example.org")
    client = web()
    assert password_step(client, "signs.in@example.org").status_code == 302

    event = the_row(Action.SIGN_IN)
    assert (event.actor, event.actor_label, event.ip_address) == (officer, officer.email, ADDRESS)
    assert about(event) == ref(officer)
    assert event.detail == {"method": "password", "second_factor": "none"}


def test_sign_in_row_after_the_code_step_says_which_second_factor():
    staff = StaffFactory()
    device = with_app(staff)
    client = web()
    assert password_step(client, staff.email).url == CODE
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()  # not signed in yet

    code = totp_code(twofactor.secret_base32(device.key), after_step=device.last_t)
    assert client.post(CODE, {"code": code}).status_code == 302

    event = the_row(Action.SIGN_IN)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert about(event) == ref(staff)
    assert event.detail == {"method": "password", "second_factor": "authenticator_app"}


def test_wrong_password_row_keeps_the_email_typed_and_the_address():
    OfficerFactory(email="typo@example.org")
    client = web()
    assert password_step(client, " Typo@Example.org ", "not the password").status_code == 200

    event = the_row(Action.SIGN_IN_FAILED)
    assert (event.actor, event.actor_label, event.ip_address) == (None, "typo@example.org", ADDRESS)
    assert event.detail == {"step": "password"}
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_axes_lockout_row_after_too_many_wrong_passwords():
    officer = OfficerFactory()
    client = web()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, officer.email, "wrong-password")

    event = the_row(Action.LOCKED_OUT)
    assert (event.actor_label, event.ip_address) == (officer.email, ADDRESS)
    assert event.detail == {"step": "password"}
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).count() == settings.AXES_FAILURE_LIMIT
    assert password_step(client, officer.email).status_code == 429  # the right password is refused too
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_second_factor_lockout_row_names_the_person_at_the_code_step():
    staff = StaffFactory()
    with_app(staff)
    client = web()
    password_step(client, staff.email)
    for _ in range(settings.SECOND_FACTOR_FAILURE_LIMIT):
        client.post(CODE, {"code": "000000"})

    event = the_row(Action.LOCKED_OUT)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert about(event) == ref(staff)
    assert event.detail["step"] == "second_factor"
    failures = AuditEvent.objects.filter(action=Action.SECOND_FACTOR_FAILED, actor=staff)
    assert failures.count() == settings.SECOND_FACTOR_FAILURE_LIMIT


# --- the second factor ---


def test_second_factor_set_up_from_the_account_page_writes_a_row():
    officer = OfficerFactory()
    client = web()
    client.force_login(officer)
    secret = client.get(SET_UP).context["secret"].replace(" ", "")
    assert client.post(SET_UP, {"code": totp_code(secret)}).status_code == 302

    event = the_row(Action.SECOND_FACTOR_SET_UP)
    assert (event.actor, event.ip_address) == (officer, ADDRESS)
    assert about(event) == ref(officer)
    assert event.detail == {"replaced": False}


def test_second_factor_set_up_while_signing_in_writes_a_row_for_the_person_not_yet_signed_in():
    mentor = MentorFactory()
    client = web()
    assert password_step(client, mentor.email).url == SET_UP
    secret = client.get(SET_UP).context["secret"].replace(" ", "")
    assert client.post(SET_UP, {"code": totp_code(secret)}).status_code == 302

    event = the_row(Action.SECOND_FACTOR_SET_UP)
    assert (event.actor, event.ip_address) == (mentor, ADDRESS)
    assert about(event) == ref(mentor)
    assert the_row(Action.SIGN_IN).detail == {"method": "password", "second_factor": "authenticator_app"}


def test_a_wrong_code_at_set_up_writes_a_failure_row_and_no_set_up_row():
    officer = OfficerFactory()
    client = web()
    client.force_login(officer)
    client.get(SET_UP)
    assert client.post(SET_UP, {"code": "000000"}).status_code == 200

    event = the_row(Action.SECOND_FACTOR_FAILED)
    assert (event.actor, event.ip_address, event.detail) == (officer, ADDRESS, {"step": "set_up"})
    assert not AuditEvent.objects.filter(action=Action.SECOND_FACTOR_SET_UP).exists()


def test_staff_resetting_someone_elses_second_factor_writes_a_row_naming_both():
    mentor = MentorFactory()
    with_app(mentor)
    twofactor.recovery_codes_make(user=mentor)
    staff = StaffFactory()
    client = web()
    client.force_login(staff)
    response = client.post(f"/accounts/people/{mentor.pk}/second-factor/reset/")
    assert response.status_code == 302

    event = the_row(Action.SECOND_FACTOR_RESET)
    assert (event.actor, event.actor_label, event.ip_address) == (staff, staff.email, ADDRESS)
    assert about(event) == ref(mentor)
    assert event.object_repr == str(mentor)
    # the app, the recovery-code device and its 10 codes
    assert event.detail == {"rows_removed": 12, "sessions_ended": 0}
    assert twofactor.has_two_factor(mentor) is False


# --- signing out ---


def test_sign_out_writes_a_row():
    officer = OfficerFactory()
    client = web()
    client.force_login(officer)
    assert client.post("/accounts/logout/").status_code == 302

    event = the_row(Action.SIGN_OUT)
    assert (event.actor, event.ip_address, event.detail) == (officer, ADDRESS, {})
    assert about(event) == ref(officer)
    assert "_auth_user_id" not in client.session


def test_sign_out_after_the_idle_warning_says_why():
    officer = OfficerFactory()
    client = web()
    client.force_login(officer)
    client.post("/accounts/logout/", {"reason": "idle"})
    event = the_row(Action.SIGN_OUT)
    assert (event.actor, event.detail) == (officer, {"reason": "idle_timeout"})


def test_a_session_signed_out_for_being_idle_writes_a_row_saying_so():
    officer = OfficerFactory()
    client = web()
    client.force_login(officer)
    client.get("/")
    later = timezone.now() + timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        assert client.get("/").status_code == 302
        event = the_row(Action.SIGN_OUT)
    assert (event.actor, event.ip_address, event.detail) == (officer, ADDRESS, {"reason": "idle_timeout"})
    assert about(event) == ref(officer)


def test_staff_signing_someone_out_everywhere_writes_a_row_naming_both():
    officer = OfficerFactory()
    web().force_login(officer)
    staff = StaffFactory()
    assert signed_in_as(staff).post(f"/accounts/people/{officer.pk}/sign-out-everywhere/").status_code == 302

    event = the_row(Action.SIGN_OUT_EVERYWHERE)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert about(event) == ref(officer)
    assert event.detail == {"own": False, "sessions": 1}


def test_signing_out_anonymously_writes_no_row():
    web().post("/accounts/logout/")
    assert not AuditEvent.objects.filter(action=Action.SIGN_OUT).exists()


# --- roles ---


def person_form(person: User, roles: list[str], **overrides) -> dict:
    return {
        "email": person.email,
        "full_name": person.full_name,
        "job_title": person.job_title,
        "organisation": person.organisation_id or "",
        "roles": roles,
        "is_active": "on",
        **overrides,
    }


def test_role_change_row_holds_the_roles_before_and_after():
    officer = OfficerFactory()
    staff = StaffFactory()
    client = web()
    client.force_login(staff)
    response = client.post(f"/accounts/people/{officer.pk}/", person_form(officer, ["officer", "mentor"]))
    assert response.status_code == 302

    event = the_row(Action.ROLE_CHANGED)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert about(event) == ref(officer)
    assert (event.before, event.after) == ({"is_mentor": False}, {"is_mentor": True})
    assert not AuditEvent.objects.filter(action=Action.PERSON_CHANGED).exists()  # nothing else changed


def test_deactivating_a_person_is_a_role_change_with_before_and_after():
    mentor = MentorFactory()
    staff = StaffFactory()
    client = web()
    client.force_login(staff)
    data = person_form(mentor, ["mentor"], full_name="Renamed Mentor")
    del data["is_active"]
    assert client.post(f"/accounts/people/{mentor.pk}/", data).status_code == 302

    roles = the_row(Action.ROLE_CHANGED)
    assert (roles.before, roles.after) == ({"is_active": True}, {"is_active": False})
    person = the_row(Action.PERSON_CHANGED)
    assert (person.actor, person.ip_address) == (staff, ADDRESS)
    assert (person.before, person.after) == ({"full_name": mentor.full_name}, {"full_name": "Renamed Mentor"})


def test_adding_a_person_records_the_roles_they_were_given():
    staff = StaffFactory()
    organisation = staff.organisation
    client = web()
    client.force_login(staff)
    data = {"email": "New.Mentor@example.org", "full_name": "New Mentor", "job_title": "Analyst"}
    data |= {"organisation": organisation.pk, "roles": ["mentor"], "is_active": "on"}
    assert client.post("/accounts/people/add/", data).status_code == 302

    person = User.objects.get(email="new.mentor@example.org")
    event = the_row(Action.ROLE_CHANGED)
    assert (event.actor, event.ip_address) == (staff, ADDRESS)
    assert about(event) == ref(person)
    assert (event.before, event.after) == ({}, {"is_mentor": True, "is_active": True})
    assert event.detail == {"added": True}


# --- refusals ---


def test_a_403_on_someone_elses_record_writes_a_denial_row_with_the_path():
    """Staff may record a project's IG evidence, but never confirm what they recorded (four eyes)."""
    project = ProjectFactory()
    staff = StaffFactory()
    record_evidence(project.ig_checks.get(kind="dpia"), staff)
    client = web()
    client.force_login(staff)
    url = f"/projects/{project.pk}/ig/dpia/review/"
    assert client.post(url, {"decision": "confirm"}).status_code == 403

    event = the_row(Action.PERMISSION_DENIED)
    assert (event.actor, event.actor_label, event.ip_address) == (staff, staff.email, ADDRESS)
    assert event.detail == {"path": url, "method": "POST"}
    assert not AuditEvent.objects.filter(action=Action.IG_CHECK_DECIDED).exists()


def test_an_officer_refused_a_staff_page_writes_a_denial_row():
    officer = OfficerFactory()
    client = web()
    client.force_login(officer)
    assert client.get("/accounts/people/").status_code == 403

    event = the_row(Action.PERMISSION_DENIED)
    assert (event.actor, event.ip_address) == (officer, ADDRESS)
    assert event.detail == {"path": "/accounts/people/", "method": "GET"}


def test_roles_changed_in_the_django_admin_are_recorded_too():
    admin = StaffFactory(is_staff=True, is_superuser=True)
    officer = OfficerFactory()
    data = {
        "email": officer.email,
        "full_name": officer.full_name,
        "job_title": "",
        "organisation": officer.organisation_id,
    }
    data |= {"is_programme_staff": "on", "is_officer": "on", "is_active": "on"}
    response = signed_in_as(admin).post(f"/admin/accounts/user/{officer.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    event = the_row(Action.ROLE_CHANGED)
    assert (event.actor, event.ip_address) == (admin, ADDRESS)
    assert about(event) == ref(officer)
    assert (event.before, event.after) == ({"is_programme_staff": False}, {"is_programme_staff": True})
    assert event.detail == {"via": "admin"}
