"""Single sign-on with an organisation's own OpenID Connect provider (Authlib does the protocol:
discovery, the authorisation-code flow with PKCE (S256), state and nonce, and the ID token's signature,
issuer, audience and expiry).

Who someone is comes from the provider's stable subject: (issuer, sub) finds a linked account. Email is
used once, at the first sign-in, to link an existing account, and only when the provider says the
address is verified and it is in the organisation's allowed domains."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.db import transaction
from django.utils import timezone

from audit.actions import Action
from audit.log import record

from .models import IdentityProvider, LinkedIdentity, User

SCOPES = "openid email profile"
# What a provider that is down or misconfigured raises while we talk to it.
PROVIDER_UNREACHABLE = (requests.RequestException, OAuthError, ValueError, KeyError)


@dataclass
class SignOnRefused(Exception):
    reason: str  # a code for the audit log
    message: str  # what the person is told

    def __str__(self) -> str:
        return self.message


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def provider_for_email(email: str) -> IdentityProvider | None:
    """The enabled provider that vouches for this address's domain. Decided by the domain alone, so the
    answer says nothing about whether an account exists."""
    domain = email.strip().rpartition("@")[2].lower()
    if not domain:
        return None
    for provider in IdentityProvider.objects.filter(enabled=True).select_related("organisation"):
        if domain in provider.domains:
            return provider
    return None


def client_for(provider: IdentityProvider):
    """An Authlib client for one provider, built per request so that configuration changes take effect."""
    oauth = OAuth()
    return oauth.register(
        name=f"oidc-{provider.slug}",
        client_id=provider.client_id,
        client_secret=os.environ.get(provider.client_secret_env, ""),
        server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPES,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_post",
            "timeout": 10,
        },
    )


def claims_from_callback(request, provider: IdentityProvider) -> dict:
    """Exchange the callback's code for tokens and return the verified ID token's claims."""
    if request.GET.get("error"):
        description = request.GET.get("error_description") or request.GET["error"]
        raise SignOnRefused(
            "provider_refused",
            f"Your {provider.display_name} account did not let you sign in ({description}). If you have left "
            f"{provider.organisation.name}, you cannot use this service with that account any more.",
        )
    try:
        token = client_for(provider).authorize_access_token(request)
    except PROVIDER_UNREACHABLE as error:
        message = f"Signing in with {provider.display_name} did not work. Try again."
        raise SignOnRefused("protocol_error", message) from error
    claims = dict(token.get("userinfo") or {})
    if claims.get("iss") != provider.issuer.rstrip("/") and claims.get("iss") != provider.issuer:
        raise SignOnRefused("wrong_issuer", f"Signing in with {provider.display_name} did not work. Try again.")
    return claims


def counts_as_two_factor(provider: IdentityProvider, claims: dict) -> bool:
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if any(str(value).lower() in provider.amr_values for value in amr):
        return True
    acr = str(claims.get("acr") or "").lower()
    return bool(acr) and acr in provider.acr_values


def _verified(provider: IdentityProvider, claims: dict) -> bool:
    value = claims.get(provider.email_verified_claim)
    return value is True or (isinstance(value, str) and value.lower() == "true")


@transaction.atomic
def user_for_claims(request, provider: IdentityProvider, claims: dict) -> User:
    """The account these claims belong to: by (issuer, sub), or linked now under the rules above."""
    issuer, subject = claims.get("iss", ""), str(claims.get("sub") or "")
    identity = (
        LinkedIdentity.objects.select_for_update().select_related("user").filter(issuer=issuer, subject=subject).first()
    )
    if identity is not None:
        if not identity.user.is_active:
            raise SignOnRefused("account_closed", "Your bootcamp account has been closed. Contact the programme team.")
        identity.last_used_at = timezone.now()
        identity.save(update_fields=["last_used_at"])
        return identity.user

    email = str(claims.get("email") or "").strip().lower()
    name = provider.display_name
    if not email:
        raise SignOnRefused("no_email", f"Your {name} account did not share an email address, so we cannot find you.")
    if not _verified(provider, claims):
        raise SignOnRefused(
            "email_unverified",
            f"Your {name} account's email address, {email}, is not verified, so it cannot be linked to a "
            "bootcamp account. Ask your IT service desk to verify it, or contact the programme team.",
        )
    if not provider.vouches_for(email):
        raise SignOnRefused(
            "wrong_domain",
            f"Your {name} account uses {email}, which is not an address {name} sign-in is set up for. "
            "Contact the programme team.",
        )
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None or not user.is_active:
        raise SignOnRefused(
            "no_account",
            f"There is no bootcamp account for {email}. The programme team adds people when they join a cohort.",
        )
    if user.organisation_id != provider.organisation_id:
        raise SignOnRefused(
            "other_organisation",
            f"Your bootcamp account belongs to another organisation, so {name} sign-in cannot be used for it.",
        )
    if LinkedIdentity.objects.filter(user=user, provider=provider).exists():
        raise SignOnRefused(
            "already_linked",
            f"Your bootcamp account is linked to a different {name} account. Ask the programme team to unlink it.",
        )
    identity = LinkedIdentity.objects.create(
        user=user, provider=provider, issuer=issuer, subject=subject, email_at_link=email, last_used_at=timezone.now()
    )
    if provider.provider_only and user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    record(
        Action.SSO_LINKED,
        request=request,
        actor=user,
        obj=user,
        after={"issuer": issuer, "subject": subject, "email": email},
        provider=provider.slug,
    )
    return identity.user


def refusal_recorded(request, provider: IdentityProvider, refusal: SignOnRefused, claims: dict | None = None) -> None:
    claims = claims or {}
    record(
        Action.SSO_REFUSED,
        request=request,
        actor_label=str(claims.get("email") or ""),
        provider=provider.slug,
        reason=refusal.reason,
        subject=str(claims.get("sub") or ""),
    )


@transaction.atomic
def identity_unlink(*, by: User, identity: LinkedIdentity, request=None) -> None:
    record(
        Action.SSO_UNLINKED,
        request=request,
        actor=by,
        obj=identity.user,
        before={"issuer": identity.issuer, "subject": identity.subject, "email": identity.email_at_link},
        provider=identity.provider.slug,
    )
    identity.delete()
