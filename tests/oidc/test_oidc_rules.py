"""The linking rules of single sign-on, on the claims a provider returns (the browser tests drive the
same code through a real provider)."""

import pytest
from django.test import RequestFactory

from accounts import sso
from accounts.models import IdentityProvider, LinkedIdentity, Organisation
from audit.actions import Action
from audit.models import AuditEvent
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db
ISSUER = "https://login.microsoftonline.com/tenant-id/v2.0"


@pytest.fixture
def provider():
    return IdentityProvider.objects.create(
        organisation=Organisation.objects.get(name="Camden"),
        slug="camden",
        display_name="Camden",
        issuer=ISSUER,
        client_id="client",
        client_secret_env="OIDC_SECRET_CAMDEN",
        allowed_domains="camden.gov.uk, camden.example.org",
        email_verified_claim="xms_edov",
        mfa_acr_values="urn:example:mfa",
    )


def claims(**extra):
    return {"iss": ISSUER, "sub": "subject-1", "email": "a.person@camden.gov.uk", "xms_edov": True, **extra}


def link(provider, **extra):
    return sso.user_for_claims(RequestFactory().get("/"), provider, claims(**extra))


def test_oidc_links_once_then_finds_by_subject_even_if_the_email_claim_changes(provider):
    officer = OfficerFactory(email="a.person@camden.gov.uk", organisation=provider.organisation)
    assert link(provider) == officer
    assert link(provider, email="someone.else@camden.gov.uk") == officer
    assert LinkedIdentity.objects.get().subject == "subject-1"
    assert AuditEvent.objects.filter(action=Action.SSO_LINKED).count() == 1


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"xms_edov": False}, "email_unverified"),
        ({"xms_edov": None}, "email_unverified"),
        ({"email": ""}, "no_email"),
        ({"email": "a.person@other.gov.uk"}, "wrong_domain"),
        ({"email": "nobody@camden.gov.uk"}, "no_account"),
    ],
)
def test_oidc_first_sign_in_refusals(provider, extra, reason):
    OfficerFactory(email="a.person@camden.gov.uk", organisation=provider.organisation)
    with pytest.raises(sso.SignOnRefused) as refusal:
        link(provider, **extra)
    assert refusal.value.reason == reason
    assert not LinkedIdentity.objects.exists()


def test_oidc_an_account_of_another_organisation_is_not_linked(provider):
    OfficerFactory(email="a.person@camden.gov.uk", organisation=Organisation.objects.get(name="Lewisham"))
    with pytest.raises(sso.SignOnRefused) as refusal:
        link(provider)
    assert refusal.value.reason == "other_organisation"


def test_oidc_a_second_provider_account_cannot_take_over_a_linked_person(provider):
    OfficerFactory(email="a.person@camden.gov.uk", organisation=provider.organisation)
    link(provider)
    with pytest.raises(sso.SignOnRefused) as refusal:
        link(provider, sub="subject-2")
    assert refusal.value.reason == "already_linked"


def test_oidc_a_closed_account_cannot_sign_in_through_its_link(provider):
    officer = OfficerFactory(email="a.person@camden.gov.uk", organisation=provider.organisation)
    link(provider)
    officer.is_active = False
    officer.save()
    with pytest.raises(sso.SignOnRefused) as refusal:
        link(provider)
    assert refusal.value.reason == "account_closed"


@pytest.mark.parametrize(
    ("extra", "two_factor"),
    [
        ({"amr": ["pwd"]}, False),
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": "mfa"}, True),
        ({"acr": "urn:example:mfa"}, True),
        ({"acr": "urn:example:pwd"}, False),
        ({}, False),
    ],
)
def test_oidc_two_factor_only_when_amr_or_acr_says_so(provider, extra, two_factor):
    assert sso.counts_as_two_factor(provider, claims(**extra)) is two_factor


def test_oidc_the_email_domain_alone_decides_where_sign_in_goes(provider, client):
    assert sso.provider_for_email("Someone@CAMDEN.gov.uk") == provider
    assert sso.provider_for_email("someone@lewisham.gov.uk") is None
    response = client.post("/accounts/login/", {"username": "nobody.at.all@camden.gov.uk"})
    assert "Continue with your Camden account" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "nobody.at.all@lewisham.gov.uk"})
    assert 'name="password"' in response.content.decode()


def test_oidc_a_provider_that_does_not_answer_gets_a_clear_page_not_an_error(provider, client):
    provider.issuer = "http://127.0.0.1:9"  # nothing listens on the discard port
    provider.save()
    response = client.post("/accounts/sign-on/camden/start/", {"email": "a.person@camden.gov.uk"})
    assert response.status_code == 503
    assert "not answering" in response.content.decode()
    assert AuditEvent.objects.get(action=Action.SSO_REFUSED).detail["reason"] == "provider_unreachable"
