"""Each person's own personal access tokens: make one (shown once), see when each was last used,
revoke one. /account/tokens/ (the account page links here)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.twofactor import has_two_factor

from .. import selectors, services
from ..forms import TokenForm


def _page(request, form, *, new_token: str = "", status: int = 200):
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_of(request.user),
            "new_token": new_token,
            "needs_two_factor": request.user.is_programme_staff and not has_two_factor(request.user),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def token_list(request):
    scopes = services.scopes_for(request.user)
    if request.method != "POST":
        return _page(request, TokenForm(scopes=scopes))
    form = TokenForm(request.POST, scopes=scopes)
    if form.is_valid():
        try:
            _, raw = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.chosen_scope,
                days=form.cleaned_data["days"],
                request=request,
            )
        except services.TokenRefused as refused:
            form.add_error("scope" if "scope" in form.fields else "name", str(refused))
        else:
            # Shown in this response only: it is not stored, so no later page can show it again.
            response = _page(request, TokenForm(scopes=scopes), new_token=raw)
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, form, status=400)


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(selectors.tokens_of(request.user), pk=pk)
    services.api_token_revoke(token=token, actor=request.user, request=request)
    messages.success(request, f"Token “{token.name}” revoked. Anything using it now gets 401.")
    return redirect("api_tokens")
