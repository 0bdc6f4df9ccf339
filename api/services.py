"""Personal access tokens: made, used and revoked. The secret is `secrets.token_urlsafe`; only its
SHA-256 hash is kept, and the prefix (public) finds the row."""

import copy
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.twofactor import has_two_factor
from audit.actions import Action
from audit.log import record

from .models import ApiToken

TOKEN_START = "lbc_"  # noqa: S105 (the public start of every token, not a secret)


class TokenRefused(Exception):
    """A token cannot be made as asked; the message says why, in words for the person."""


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_prefix(raw: str) -> str | None:
    """The lookup prefix of a token as people paste it (`lbc_<prefix>_<secret>`), or None."""
    if not raw.startswith(TOKEN_START):
        return None
    prefix, _, secret = raw[len(TOKEN_START) :].partition("_")
    if len(prefix) != 12 or not secret:
        return None
    return prefix


def token_matches(token: ApiToken, raw: str) -> bool:
    return hmac.compare_digest(token.key_hash, token_hash(raw))


def scopes_for(user: User) -> list[str]:
    """The scopes a person may choose: programme data is for programme staff."""
    if user.is_programme_staff:
        return [ApiToken.Scope.OWN, ApiToken.Scope.PROGRAMME]
    return [ApiToken.Scope.OWN]


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scope: str = ApiToken.Scope.OWN, days: int | None = None, request=None
) -> tuple[ApiToken, str]:
    """A new token and its secret, which is never stored and so can be shown only now."""
    name = name.strip()
    days = settings.API_TOKEN_DAYS if days is None else days
    if not name:
        raise TokenRefused("Enter a name for the token")
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise TokenRefused(f"A token must last between 1 and {settings.API_TOKEN_MAX_DAYS} days")
    if scope not in scopes_for(user):
        raise TokenRefused("Only programme staff can make a token that reads programme data")
    if scope == ApiToken.Scope.PROGRAMME and not has_two_factor(user):
        raise TokenRefused("Set up two-factor sign-in before you make a token that reads programme data")
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        key_hash=token_hash(raw),
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    record(
        Action.API_TOKEN_CREATED,
        request=request,
        actor=user,
        obj=token,
        scope=scope,
        expires_at=token.expires_at,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User, request=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(Action.API_TOKEN_REVOKED, request=request, actor=actor, obj=token)
    return token


def api_token_used(*, token: ApiToken) -> None:
    """Records the last use: one UPDATE per request, like the audit row, so every request costs the same."""
    token.last_used_at = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)


def acting_user(token: ApiToken) -> User:
    """Who the selectors see. A staff member's "own data" token reads as if they held no staff role, so
    the same selectors scope it to their own rows: there is no second permission model."""
    user = token.user
    if token.scope == ApiToken.Scope.OWN and user.is_programme_staff:
        user = copy.copy(user)
        user.is_programme_staff = False
    return user
