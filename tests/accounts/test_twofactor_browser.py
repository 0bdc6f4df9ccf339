"""Two-factor sign-in in Chromium: staff enter a code from their app (a wrong one gets the error summary),
a mentor without an app is sent to set one up first, an officer signs in with a password alone."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import User
from accounts.twofactor import new_secret
from audit.actions import Action
from audit.models import AuditEvent
from tests.conftest import assert_accessible, device_code, totp_code
from tests.factories import PASSWORD, MentorFactory, OfficerFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_staff_are_asked_for_a_code_and_a_wrong_one_gets_the_error_summary(page):
    staff = StaffFactory(email="two.factor@example.org")
    TOTPDevice.objects.create(user=staff, name="Authenticator app", key=new_secret(), confirmed=True)
    password_step(page, staff.email)
    assert "/accounts/login/code/" in page.url
    code = page.get_by_label("Code from your authenticator app")
    assert (code.get_attribute("name"), code.get_attribute("autocomplete")) == ("code", "one-time-code")
    assert code.get_attribute("inputmode") == "numeric"
    assert_accessible(page, "sign-in-code")
    # The password alone does not sign staff in: no sign-in is recorded until the code is right.
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN, actor=staff).exists()

    code.fill("000000" if device_code(staff) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "The code is not correct" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page, "sign-in-code-error")
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_FAILED, actor=staff).count() == 1

    page.get_by_label("Code from your authenticator app").fill(device_code(staff))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Programme dashboard", exact=True)).to_be_visible()
    assert AuditEvent.objects.get(action=Action.SIGN_IN, actor=staff).detail["second_factor"] == "authenticator_app"


def test_a_mentor_without_an_app_sets_one_up_before_reaching_the_service(page):
    mentor = MentorFactory(email="new.mentor@example.org")
    password_step(page, mentor.email)
    assert page.url.endswith("/two-factor/set-up/")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.locator("img.app-qr-code")).to_be_visible()
    assert_accessible(page, "two-factor-set-up")
    page.goto("/mentoring/")  # the service stays shut until the app is set up
    assert "/accounts/login/" in page.url

    password_step(page, mentor.email)
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(totp_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Set up and continue").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    assert_accessible(page, "recovery-codes")
    with page.expect_navigation():
        page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", name="My mentees", exact=True)).to_be_visible()
    assert TOTPDevice.objects.filter(user=mentor, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_SET_UP, actor=mentor).exists()


def test_an_officer_signs_in_with_a_password_alone(page):
    officer = OfficerFactory(email="just.password@example.org")
    password_step(page, officer.email)
    expect(page.get_by_role("heading", name="My cohort", exact=True)).to_be_visible()
    assert User.objects.get(pk=officer.pk).last_login is not None
    assert not TOTPDevice.objects.filter(user=officer).exists()
