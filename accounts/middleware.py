"""Session limits and the second-factor requirement, checked on every request."""

import time

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse

from . import sessions, signin
from .twofactor import requires_two_factor


class SessionLimitsMiddleware:
    """Signs out a session idle for SESSION_IDLE_MINUTES or older than SESSION_ABSOLUTE_HOURS, and
    notes activity (at most once a minute, so most page views write nothing). After
    AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            lapsed = sessions.session_lapsed(request, now=now)
            if lapsed:
                sessions.sign_out(request, reason=f"{lapsed}_timeout")
                if request.path == reverse("accounts:keep_alive"):
                    return JsonResponse({"signed_in": False}, status=401)
                messages.info(request, sessions.lapsed_message(lapsed))
                return redirect_to_login(request.get_full_path() if request.method == "GET" else reverse("home"))
            if sessions.STARTED_KEY not in request.session:
                sessions.session_track(request, request.user)  # a session from before these limits
            elif now - request.session[sessions.LAST_SEEN_KEY] >= sessions.TOUCH_EVERY_SECONDS:
                sessions.session_touch(request, now=now)
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Programme staff and mentors cannot use the service until their session has met the second
    factor. After django-otp's OTPMiddleware, which marks the user verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and requires_two_factor(user)
            and not signin.second_factor_met(request)
            and request.path != reverse("accounts:logout")
        ):
            return signin.demand_second_factor(request)
        return self.get_response(request)
