"""Signed-in sessions: when they start, when they lapse, and ending them.

Django keeps sessions in the database (SESSION_ENGINE is the db backend); `UserSession` adds who owns
each one, so that "sign out everywhere" and "end this person's sessions" are one query each. Two
limits apply to every session: an idle timeout (SESSION_IDLE_MINUTES, 30 by default) and an absolute
lifetime (SESSION_ABSOLUTE_HOURS, 12), both checked on the server by `SessionLimitsMiddleware`."""

import time
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from audit.actions import Action
from audit.log import client_ip, record

from .models import User, UserSession

STARTED_KEY = "accounts_session_started"
LAST_SEEN_KEY = "accounts_session_last_seen"
# Activity is written back at most this often, so that an ordinary page view does not write the session.
TOUCH_EVERY_SECONDS = 60


def idle_seconds() -> int:
    return settings.SESSION_IDLE_MINUTES * 60


def absolute_seconds() -> int:
    return settings.SESSION_ABSOLUTE_HOURS * 60 * 60


def session_track(request, user: User) -> UserSession:
    """Records the request's (new) session as the user's. Called for every sign-in, by the
    user_logged_in signal, and after anything that gives the session a new key."""
    session = request.session
    now = time.time()
    session[STARTED_KEY] = session.get(STARTED_KEY) or now
    session[LAST_SEEN_KEY] = now
    session.save()  # after a flush the new key exists only once saved; the row below refers to it
    row, _ = UserSession.objects.update_or_create(
        session_id=session.session_key,
        defaults={
            "user": user,
            "last_seen_at": timezone.now(),
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
        create_defaults={
            "user": user,
            "created_at": datetime.fromtimestamp(session[STARTED_KEY], tz=UTC),
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )
    return row


@receiver(user_logged_in, dispatch_uid="accounts_track_session")
def _track_session_on_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # A new sign-in starts a new session lifetime, even if the session object carried one over.
        request.session.pop(STARTED_KEY, None)
        session_track(request, user)


@transaction.atomic
def sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """Ends every session of `user` except `keep_session_key`. Returns how many ended."""
    keys = UserSession.objects.filter(user=user)
    if keep_session_key:
        keys = keys.exclude(session_id=keep_session_key)
    # Deleting the sessions deletes their UserSession rows too (on_delete=CASCADE).
    _, per_model = Session.objects.filter(session_key__in=keys.values("session_id")).delete()
    return per_model.get(Session._meta.label, 0)


def sign_out(request, *, reason: str = "") -> None:
    """Ends the request's own session, with an audit row."""
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        record(Action.SIGN_OUT, request=request, actor=user, obj=user, **({"reason": reason} if reason else {}))
    logout(request)


def sign_out_everywhere(request, *, user: User) -> int:
    """Ends every session of `user`. When it is the person asking, their own session ends as well."""
    own = request.user.is_authenticated and request.user.pk == user.pk
    count = UserSession.objects.filter(user=user).count()
    record(Action.SIGN_OUT_EVERYWHERE, request=request, obj=user, own=own, sessions=count)
    if own:
        logout(request)  # before the others, so that the response does not try to save a deleted session
    sessions_end(user=user)
    return count


def session_touch(request, *, now: float | None = None) -> None:
    """Marks the session active now (a page view after TOUCH_EVERY_SECONDS, or the keep-alive)."""
    now = time.time() if now is None else now
    request.session[LAST_SEEN_KEY] = now
    UserSession.objects.filter(session_id=request.session.session_key).update(last_seen_at=timezone.now())


def session_lapsed(request, *, now: float) -> str:
    """Why the request's session has lapsed ("idle" or "absolute"), or "" if it has not."""
    session = request.session
    started = session.get(STARTED_KEY)
    last_seen = session.get(LAST_SEEN_KEY)
    if started is None or last_seen is None:
        return ""
    if now - started >= absolute_seconds():
        return "absolute"
    if now - last_seen >= idle_seconds():
        return "idle"
    return ""


def lapsed_message(reason: str) -> str:
    if reason == "absolute":
        hours = settings.SESSION_ABSOLUTE_HOURS
        return f"You have been signed out because you were signed in for {hours} hours. Sign in again to continue."
    return (
        f"You have been signed out because you had not used the service for {settings.SESSION_IDLE_MINUTES} "
        "minutes. Sign in again to continue."
    )


def idle_seconds_left(request, *, now: float | None = None) -> int:
    """Seconds until the request's session would end for want of use."""
    now = time.time() if now is None else now
    last_seen = request.session.get(LAST_SEEN_KEY, now)
    return max(0, int(idle_seconds() - (now - last_seen)))
