"""The whole authorisation-code flow with PKCE, in Chromium, against a real OpenID provider."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import IdentityProvider, LinkedIdentity, Organisation, User
from audit.actions import Action
from audit.models import AuditEvent
from notifications.models import Message
from tests.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, MentorFactory, OfficerFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def camden(oidc_provider, settings, live_server):
    settings.SITE_URL = live_server.url
    organisation = Organisation.objects.get(name="Camden")
    return IdentityProvider.objects.create(
        organisation=organisation,
        slug=oidc_provider.slug,
        display_name="Camden",
        issuer=oidc_provider.issuer,
        client_id=oidc_provider.client_id,
        client_secret_env=oidc_provider.secret_env,
        allowed_domains="camden.example.org",
    )


@pytest.fixture
def fresh_page(browser, live_server):
    """A browser with no provider session, so each sign-in meets the provider's page."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def provider_sign_in(page, email: str, login: str, *, check_pages: bool = False) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Sign in with your Camden account")).to_be_visible()
    if check_pages:
        assert_accessible(page, "oidc-continue")
    page.get_by_role("button", name="Continue with your Camden account").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Login name").fill(login)
    page.get_by_role("button", name="Sign in to the test provider").click()


def test_oidc_first_sign_in_links_by_verified_email_and_returning_sign_in_matches_by_subject(
    camden, fresh_page, browser, live_server
):
    officer = OfficerFactory(email="sso.officer@camden.example.org", organisation=camden.organisation)
    provider_sign_in(fresh_page, "sso.officer@camden.example.org", "sso.officer", check_pages=True)
    expect(fresh_page.get_by_role("heading", name="My cohort", exact=True)).to_be_visible()

    identity = LinkedIdentity.objects.get(user=officer)
    assert (identity.issuer, identity.subject) == (camden.issuer, "camden-0001")
    officer.refresh_from_db()
    assert not officer.has_usable_password()  # provider-only from now on
    assert AuditEvent.objects.filter(action=Action.SSO_LINKED, object_id=str(officer.pk)).count() == 1
    assert AuditEvent.objects.get(action=Action.SIGN_IN, actor=officer).detail["method"] == "oidc:camden"

    # The bootcamp account's email changes; the provider still sends the old one. The subject decides.
    User.objects.filter(pk=officer.pk).update(email="amara.renamed@camden.example.org")
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    try:
        provider_sign_in(page, "amara.renamed@camden.example.org", "sso.officer")
        expect(page.get_by_role("heading", name="My cohort", exact=True)).to_be_visible()
    finally:
        context.close()
    assert LinkedIdentity.objects.filter(user=officer).count() == 1
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor=officer).count() == 2
    assert AuditEvent.objects.filter(action=Action.SSO_LINKED).count() == 1


def test_oidc_unverified_email_is_refused_and_nothing_is_linked(camden, fresh_page):
    OfficerFactory(email="unverified@camden.example.org", organisation=camden.organisation)
    provider_sign_in(fresh_page, "unverified@camden.example.org", "unverified")
    expect(fresh_page.get_by_role("heading", name="You cannot sign in with this account")).to_be_visible()
    expect(fresh_page.get_by_text("is not verified")).to_be_visible()
    assert_accessible(fresh_page, "oidc-refused")
    assert not LinkedIdentity.objects.exists()
    assert AuditEvent.objects.get(action=Action.SSO_REFUSED).detail["reason"] == "email_unverified"
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_oidc_email_outside_the_organisations_domains_is_refused(camden, fresh_page):
    OfficerFactory(email="wrong.domain@elsewhere.example.net", organisation=camden.organisation)
    provider_sign_in(fresh_page, "someone@camden.example.org", "wrong.domain")
    expect(fresh_page.get_by_text("not an address Camden sign-in is set up for")).to_be_visible()
    assert not LinkedIdentity.objects.exists()
    assert AuditEvent.objects.get(action=Action.SSO_REFUSED).detail["reason"] == "wrong_domain"


def test_oidc_a_leaver_the_provider_refuses_cannot_sign_in_nor_reopen_by_password_reset(camden, fresh_page, client):
    leaver = OfficerFactory(email="leaver@camden.example.org", organisation=camden.organisation)
    LinkedIdentity.objects.create(
        user=leaver, provider=camden, issuer=camden.issuer, subject="camden-0004", email_at_link=leaver.email
    )
    leaver.set_unusable_password()
    leaver.save()

    provider_sign_in(fresh_page, "leaver@camden.example.org", "leaver")
    expect(fresh_page.get_by_text("did not let you sign in")).to_be_visible()
    assert AuditEvent.objects.get(action=Action.SSO_REFUSED).detail["reason"] == "provider_refused"
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()

    # A password reset for a provider-only account sends nothing, so it cannot reopen the account.
    before = Message.objects.count()
    client.post("/accounts/password-reset/", {"email": "leaver@camden.example.org"})
    assert Message.objects.count() == before
    assert mail.outbox == []
    assert client.post("/accounts/login/", {"username": leaver.email, "password": "anything"}).status_code == 200


def test_oidc_mfa_in_amr_counts_as_the_second_factor(camden, fresh_page):
    mentor = MentorFactory(email="sso.mentor@camden.example.org", organisation=camden.organisation)
    provider_sign_in(fresh_page, "sso.mentor@camden.example.org", "sso.mentor")
    expect(fresh_page.get_by_role("heading", name="My mentees", exact=True)).to_be_visible()
    assert AuditEvent.objects.get(action=Action.SIGN_IN, actor=mentor).detail["method"] == "oidc:camden"


def test_oidc_without_mfa_in_amr_leaves_a_mentor_owing_the_second_factor(camden, fresh_page):
    mentor = MentorFactory(email="sso.mentor2@camden.example.org", organisation=camden.organisation)
    provider_sign_in(fresh_page, "sso.mentor2@camden.example.org", "sso.mentor.nomfa")
    # A password at the council is one factor: a mentor must set up the authenticator app, not yet signed in.
    expect(fresh_page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    assert fresh_page.url.endswith("/two-factor/set-up/")
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN, actor=mentor).exists()
    fresh_page.goto("/")
    assert "/accounts/login/" in fresh_page.url


def test_oidc_staff_see_and_unlink_a_linked_identity(camden, page, live_server):
    officer = OfficerFactory(email="linked@camden.example.org", organisation=camden.organisation)
    identity = LinkedIdentity.objects.create(
        user=officer, provider=camden, issuer=camden.issuer, subject="camden-0099", email_at_link=officer.email
    )
    staff = StaffFactory()
    sign_in(page, staff.email, PASSWORD)
    expect(page.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    page.goto(f"/accounts/people/{officer.pk}/")
    expect(page.get_by_text("linked@camden.example.org").first).to_be_visible()
    assert_accessible(page, "oidc-person-linked")
    page.get_by_role("button", name="Unlink the Camden account").click()
    expect(page.get_by_text("Unlinked Camden sign-in")).to_be_visible()
    assert not LinkedIdentity.objects.filter(pk=identity.pk).exists()
    event = AuditEvent.objects.get(action=Action.SSO_UNLINKED)
    assert (event.actor, event.before["subject"]) == (staff, "camden-0099")
