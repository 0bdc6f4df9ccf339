"""Walks every URL pattern: anonymous visitors are sent to sign-in unless a view is marked public."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from api import urls as api_urls
from lotibootcamp.legacy_redirects import MOVED, moved_name

pytestmark = pytest.mark.django_db

PUBLIC = {
    "home",  # redirects anonymous visitors to sign-in itself
    "healthz",
    "accessibility",
    "privacy",
    "accounts:login",
    # Single sign-on: the start and the provider's redirect back happen before anyone is signed in.
    "accounts:sso_start",
    "accounts:sso_callback",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "notifications:unsubscribe",  # one-click unsubscribe: the signed token is the authority
    "cohorts:manager_decision",  # the line manager has no account; the signed link is the key
    "projects:ig_approver_decision",  # the IG approver has no account; the signed, expiring link is the key
    "mentoring:calendar_feed",  # the secret token is the credential; unknown tokens get 404
    "trainers:certificate_verify",  # anyone holding a certificate's link can check it; the token is the key
} | {moved_name(new) for _, new in MOVED}
# The second-factor steps come after the password and before the session is signed in: they need a
# pending sign-in (accounts/signin.py) instead, and send a visitor without one back to sign-in.
SIGN_IN_STEPS = {"accounts:sign_in_code", "accounts:two_factor_set_up"}
PUBLIC |= SIGN_IN_STEPS  # old addresses redirect; the new one checks sign-in
# The API authenticates by token itself (401 problem+json, never the sign-in page); its docs page needs sign-in.
PUBLIC |= {f"api:{pattern.name}" for pattern in api_urls.urlpatterns if pattern.name != "docs"}


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django admin has its own sign-in, tested below
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback


def concrete(route: str) -> str:
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"<[^>]+>", "x", route)
    return "/" + route.lstrip("^").rstrip("$")


PATTERNS = list(walk(get_resolver()))


def test_every_url_pattern_is_walked():
    names = {name for name, _, _ in PATTERNS}
    assert {"home", "accounts:people_list", "cohorts:cohort_list"} <= names


@pytest.mark.parametrize(("name", "route", "callback"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_anonymous_visitor_is_sent_to_sign_in_unless_view_is_public(client, name, route, callback):
    is_public = getattr(callback, "login_required", True) is False
    assert is_public == (name in PUBLIC), f"{name} public={is_public}; update PUBLIC only on purpose"
    response = client.get(concrete(route))
    if is_public:
        to_sign_in = response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not to_sign_in or name in {"home"} | SIGN_IN_STEPS
    else:
        assert response.status_code == 302, f"{name} answered {response.status_code}"
        assert response["Location"].startswith("/accounts/login/?next=")


def test_django_admin_needs_its_own_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
