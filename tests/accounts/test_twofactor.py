"""Two-factor sign-in: the code step, set-up, recovery codes, throttling, reset, and the audit rows."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import signin, twofactor
from accounts.models import UserSession
from audit.actions import Action
from audit.models import AuditEvent
from tests.conftest import device_code, totp_code
from tests.factories import PASSWORD, MentorFactory, OfficerFactory, StaffFactory

pytestmark = pytest.mark.django_db

CODE_URL = "/accounts/login/code/"
SET_UP_URL = "/accounts/account/two-factor/set-up/"


def password_step(client, user, password=PASSWORD):
    return client.post("/accounts/login/", {"username": user.email, "password": password}, REMOTE_ADDR="10.0.0.1")


def with_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="App", key=twofactor.new_secret(), confirmed=True, tolerance=1)


def actions(user) -> list[str]:
    return list(AuditEvent.objects.filter(object_id=str(user.pk)).order_by("id").values_list("action", flat=True))


def test_staff_with_an_app_are_asked_for_a_code_and_signed_in_only_after_it(client):
    staff = StaffFactory()
    with_app(staff)
    anonymous_key = client.session.session_key
    response = password_step(client, staff)
    assert response.status_code == 302 and response.url == CODE_URL
    assert "_auth_user_id" not in client.session  # nobody is signed in while the code is owed
    assert client.get("/").status_code == 302

    page = client.get(CODE_URL).content.decode()
    assert 'name="code"' in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page

    response = client.post(CODE_URL, {"code": device_code(staff)}, follow=True)
    assert response.request["PATH_INFO"] == "/"
    assert "Programme dashboard" in response.content.decode()
    assert client.session.session_key != anonymous_key
    assert UserSession.objects.filter(user=staff, session_id=client.session.session_key).exists()
    event = AuditEvent.objects.get(action=Action.SIGN_IN)
    assert event.actor == staff
    assert event.detail == {"method": "password", "second_factor": "authenticator_app"}


def test_a_wrong_code_gets_the_error_summary_and_an_audit_row(client):
    staff = StaffFactory()
    with_app(staff)
    password_step(client, staff)
    response = client.post(CODE_URL, {"code": "000000"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "The code is not correct" in html
    assert "<title>Error: Enter the code" in html
    assert "_auth_user_id" not in client.session
    assert actions(staff) == [Action.SECOND_FACTOR_FAILED]
    empty = client.post(CODE_URL, {"code": ""}).content.decode()
    assert "Enter the 6-digit code from your authenticator app" in empty


def test_five_wrong_codes_lock_the_code_step_for_the_cool_off_even_for_the_right_code(client, settings):
    staff = StaffFactory()
    with_app(staff)
    password_step(client, staff)
    for _ in range(settings.SECOND_FACTOR_FAILURE_LIMIT - 1):
        assert client.post(CODE_URL, {"code": "000000"}).status_code == 200
    locked = client.post(CODE_URL, {"code": "000000"})
    assert locked.status_code == 429
    assert "Too many wrong codes" in locked.content.decode()
    lockout = AuditEvent.objects.get(action=Action.LOCKED_OUT)
    assert lockout.actor == staff and lockout.detail["step"] == "second_factor"
    assert client.post(CODE_URL, {"code": device_code(staff)}).status_code == 429
    assert "_auth_user_id" not in client.session

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1), tick=False):
        client2 = client.__class__()
        password_step(client2, staff)
        response = client2.post(CODE_URL, {"code": device_code(staff)})
        assert response.status_code == 302 and response.url == "/"


def test_a_recovery_code_is_accepted_in_the_same_input_once(client):
    staff = StaffFactory()
    with_app(staff)
    code = twofactor.recovery_codes_make(user=staff)[0]
    password_step(client, staff)
    response = client.post(CODE_URL, {"code": code.upper()})
    assert response.status_code == 302 and response.url == "/"
    assert AuditEvent.objects.get(action=Action.SIGN_IN).detail["second_factor"] == "recovery_code"
    assert AuditEvent.objects.get(action=Action.RECOVERY_CODE_USED).detail == {"left": 9}
    assert StaticToken.objects.filter(token=code).exists() is False

    client.post("/accounts/logout/")
    password_step(client, staff)
    assert "The code is not correct" in client.post(CODE_URL, {"code": code}).content.decode()


def test_a_mentor_without_an_app_sets_one_up_before_using_the_service(client):
    mentor = MentorFactory()
    response = password_step(client, mentor)
    assert response.url == SET_UP_URL
    page = client.get(SET_UP_URL)
    assert page.context["qr_code"].startswith("data:image/svg+xml")
    secret = page.context["secret"].replace(" ", "")
    assert client.get("/mentoring/").status_code == 302  # not signed in yet

    wrong = client.post(SET_UP_URL, {"code": "123456"})
    assert "govuk-error-summary" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=mentor).exists()

    response = client.post(SET_UP_URL, {"code": totp_code(secret)}, follow=True)
    assert response.request["PATH_INFO"] == "/accounts/account/two-factor/recovery-codes/"
    assert len(response.context["codes"]) == 10
    device = TOTPDevice.objects.get(user=mentor, confirmed=True)
    assert twofactor.secret_base32(device.key) == secret
    assert actions(mentor) == [Action.SECOND_FACTOR_FAILED, Action.SECOND_FACTOR_SET_UP, Action.SIGN_IN]
    assert client.get("/").status_code == 200
    # The codes are shown once.
    assert client.get("/accounts/account/two-factor/recovery-codes/").url == "/accounts/account/"


def test_an_officer_signs_in_without_a_second_factor_and_may_add_one(client):
    officer = OfficerFactory()
    response = password_step(client, officer)
    assert response.url == "/"
    account = client.get("/accounts/account/").content.decode()
    assert "Not set up" in account
    page = client.get(SET_UP_URL)
    client.post(SET_UP_URL, {"code": totp_code(page.context["secret"].replace(" ", ""))})
    assert twofactor.has_two_factor(officer)

    client.post("/accounts/logout/")
    assert password_step(client, officer).url == CODE_URL  # from now on the officer is asked for a code


@pytest.mark.unverified_login
def test_a_staff_session_that_has_not_met_the_second_factor_is_sent_to_the_code_step(client):
    staff = StaffFactory()
    with_app(staff)
    client.force_login(staff)
    response = client.get("/cohorts/?page=2")
    assert response.status_code == 302 and response.url == CODE_URL
    assert "_auth_user_id" not in client.session
    response = client.post(CODE_URL, {"code": device_code(staff)})
    assert response.url == "/cohorts/?page=2"


def test_force_login_in_tests_meets_the_second_factor_through_django_otp(client):
    staff = StaffFactory()
    client.force_login(staff)
    assert client.get("/").status_code == 200
    TOTPDevice.objects.filter(user=staff).delete()  # the device that verified the session is gone
    assert client.get("/").url == SET_UP_URL


def test_a_provider_that_used_a_second_factor_signs_staff_in_without_a_code(rf, client):
    staff = StaffFactory()
    request = rf.get("/oidc/callback/")
    request.session = client.session
    request.user = None
    response = signin.first_factor_passed(request, staff, redirect_to="/", second_factor_done=True, method="oidc")
    request.session.save()
    client.cookies["sessionid"] = request.session.session_key
    assert response.url == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.get(action=Action.SIGN_IN).detail == {"method": "oidc", "second_factor": "provider"}


def test_staff_reset_another_persons_second_factor_after_confirming(client):
    staff = StaffFactory()
    mentor = MentorFactory()
    mentor_client = client.__class__()
    mentor_client.force_login(mentor)
    client.force_login(staff)
    twofactor.recovery_codes_make(user=mentor)

    page = client.get(f"/accounts/people/{mentor.pk}/")
    assert f"/accounts/people/{mentor.pk}/second-factor/reset/" in page.content.decode()
    confirm = client.get(f"/accounts/people/{mentor.pk}/second-factor/reset/")
    assert "Reset second factor" in confirm.content.decode()
    assert twofactor.has_two_factor(mentor)  # a GET changes nothing

    response = client.post(f"/accounts/people/{mentor.pk}/second-factor/reset/")
    assert response.url == f"/accounts/people/{mentor.pk}/"
    assert not twofactor.has_two_factor(mentor)
    assert not UserSession.objects.filter(user=mentor).exists()
    assert mentor_client.get("/").status_code == 302
    event = AuditEvent.objects.get(action=Action.SECOND_FACTOR_RESET)
    assert event.actor == staff and event.object_id == str(mentor.pk)
    assert event.detail["sessions_ended"] == 1
    assert password_step(mentor_client, mentor).url == SET_UP_URL


def test_officers_cannot_reset_a_second_factor(client):
    mentor = MentorFactory()
    client.force_login(OfficerFactory())
    assert client.post(f"/accounts/people/{mentor.pk}/second-factor/reset/").status_code == 403
    assert twofactor.has_two_factor(mentor) is False  # had none; nothing created either


def test_failed_passwords_and_the_lockout_are_audited(client, settings):
    officer = OfficerFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, officer, "wrong-password")
    failed = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED)
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    assert {event.actor_label for event in failed} == {officer.email}
    assert failed.first().ip_address == "10.0.0.1"
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT, actor_label=officer.email).exists()
