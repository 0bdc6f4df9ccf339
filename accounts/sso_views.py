"""Single sign-on: start at the organisation's provider, come back to the callback, and unlink (staff)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from common.site import absolute_url

from . import signin, sso
from .models import IdentityProvider, LinkedIdentity
from .permissions import public, staff_required

NEXT_KEY = "sso_next"


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return reverse("home")


@public
@require_POST
def start(request, slug: str):
    provider = get_object_or_404(IdentityProvider, slug=slug, enabled=True)
    request.session[NEXT_KEY] = _safe_next(request, request.POST.get("next"))
    redirect_uri = absolute_url(reverse("accounts:sso_callback", args=[provider.slug]))
    login_hint = request.POST.get("email", "")
    extra = {"login_hint": login_hint} if login_hint else {}
    try:
        return sso.client_for(provider).authorize_redirect(request, redirect_uri, **extra)
    except sso.PROVIDER_UNREACHABLE as error:
        refusal = sso.SignOnRefused(
            "provider_unreachable",
            f"{provider.display_name} sign-in is not answering at the moment ({type(error).__name__}). "
            "Try again in a few minutes.",
        )
        sso.refusal_recorded(request, provider, refusal)
        return render(request, "accounts/sso_refused.html", {"provider": provider, "refusal": refusal}, status=503)


@public
@require_GET
def callback(request, slug: str):
    provider = get_object_or_404(IdentityProvider.objects.select_related("organisation"), slug=slug, enabled=True)
    claims: dict = {}
    try:
        claims = sso.claims_from_callback(request, provider)
        user = sso.user_for_claims(request, provider, claims)
    except sso.SignOnRefused as refusal:
        sso.refusal_recorded(request, provider, refusal, claims)
        return render(request, "accounts/sso_refused.html", {"provider": provider, "refusal": refusal}, status=403)
    return signin.first_factor_passed(
        request,
        user,
        redirect_to=_safe_next(request, request.session.pop(NEXT_KEY, None)),
        second_factor_done=sso.counts_as_two_factor(provider, claims),
        method=f"oidc:{provider.slug}",
    )


@staff_required
@require_POST
def unlink(request, pk: int, identity_pk: int):
    identity = get_object_or_404(LinkedIdentity.objects.select_related("user", "provider"), pk=identity_pk, user_id=pk)
    sso.identity_unlink(by=request.user, identity=identity, request=request)
    messages.success(request, f"Unlinked {identity.provider.display_name} sign-in from {identity.user}")
    return redirect("accounts:person_edit", pk=pk)
