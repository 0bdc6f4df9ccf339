from django.conf import settings

from . import sessions


def session_timeout(request) -> dict:
    """Timing for the timeout warning (static/js/timeout-warning.mjs), read from data- attributes."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    remaining = sessions.idle_seconds_left(request)
    return {
        "session_timeout": {
            "remaining": remaining,
            "idle": sessions.idle_seconds(),
            "warning": min(settings.SESSION_WARNING_SECONDS, sessions.idle_seconds()),
        }
    }
