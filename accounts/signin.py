"""The one place a sign-in completes, whatever proved the first factor (a password, or a provider).

Every route into the service (the password form, single sign-on) calls `first_factor_passed`; it decides
whether a second factor is still owed and writes the audit row.

While a second factor is owed nobody is signed in: the session holds only the pending person's id
(for PENDING_SECONDS), and the code step or the set-up page completes the sign-in with
`sign_in_complete`. Programme staff and mentors always owe one (set-up first if they have no device);
officers owe one only if they chose to set one up. A provider whose sign-in already used a second
factor (OpenID Connect amr) passes second_factor_done=True."""

import time

from django.contrib.auth import BACKEND_SESSION_KEY, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from audit.actions import Action
from audit.log import record

from .models import User
from .twofactor import has_two_factor, requires_two_factor

PENDING_KEY = "accounts_pending_sign_in"
PENDING_SECONDS = 10 * 60
# How the session met the second factor when django-otp has no device to show for it ("provider").
SECOND_FACTOR_KEY = "accounts_second_factor"
DEFAULT_BACKEND = "django.contrib.auth.backends.ModelBackend"


def first_factor_passed(
    request: HttpRequest,
    user,
    *,
    backend: str = DEFAULT_BACKEND,
    redirect_to: str,
    second_factor_done: bool = False,
    method: str = "password",
) -> HttpResponse:
    if second_factor_done:
        return sign_in_complete(
            request, user, backend=backend, redirect_to=redirect_to, method=method, second_factor="provider"
        )
    if not requires_two_factor(user) and not has_two_factor(user):
        return sign_in_complete(request, user, backend=backend, redirect_to=redirect_to, method=method)
    return second_factor_owed(request, user, backend=backend, redirect_to=redirect_to, method=method)


def second_factor_owed(request: HttpRequest, user, *, backend: str, redirect_to: str, method: str) -> HttpResponse:
    """Keeps the person pending in a fresh session and sends them to the code step, or to set-up."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": backend,
        "redirect_to": redirect_to,
        "method": method,
        "at": time.time(),
    }
    return redirect("accounts:sign_in_code" if has_two_factor(user) else "accounts:two_factor_set_up")


def pending(request: HttpRequest) -> dict | None:
    """The pending sign-in of this session, with its user, or None if there is none or it expired."""
    data = request.session.get(PENDING_KEY)
    if not data or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data["user_id"], is_active=True).first()
    if user is None:
        return None
    return {**data, "user": user}


def sign_in_complete(
    request: HttpRequest,
    user,
    *,
    backend: str,
    redirect_to: str,
    method: str,
    device=None,
    second_factor: str = "",
) -> HttpResponse:
    """Signs the person in: a new session key (login() cycles it), the verified device recorded in the
    session for django-otp's OTPMiddleware, and the audit row."""
    if device is not None:
        user.otp_device = device  # django-otp's user_logged_in handler keeps it in the session
    login(request, user, backend=backend)
    request.session.pop(PENDING_KEY, None)
    if second_factor:
        request.session[SECOND_FACTOR_KEY] = second_factor
    record(Action.SIGN_IN, request=request, actor=user, obj=user, method=method, second_factor=second_factor or "none")
    return redirect(redirect_to)


def pending_complete(
    request: HttpRequest, data: dict, *, device, second_factor: str, redirect_to: str = ""
) -> HttpResponse:
    return sign_in_complete(
        request,
        data["user"],
        backend=data["backend"],
        redirect_to=redirect_to or data["redirect_to"],
        method=data["method"],
        device=device,
        second_factor=second_factor,
    )


def second_factor_met(request: HttpRequest) -> bool:
    """The signed-in session has met the second factor: django-otp's OTPMiddleware found the device
    that verified it (so a device removed since no longer counts), or the provider vouched for it."""
    if request.session.get(SECOND_FACTOR_KEY) == "provider":
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def demand_second_factor(request: HttpRequest) -> HttpResponse:
    """A signed-in person who owes a second factor and has not met it (a session from before it was
    required, or whose device was removed) goes back to the code step or set-up, signed out."""
    user = request.user._wrapped if hasattr(request.user, "_wrapped") else request.user
    backend = request.session.get(BACKEND_SESSION_KEY, DEFAULT_BACKEND)
    redirect_to = request.get_full_path() if request.method == "GET" else reverse("home")
    logout(request)
    return second_factor_owed(request, user, backend=backend, redirect_to=redirect_to, method="session")
