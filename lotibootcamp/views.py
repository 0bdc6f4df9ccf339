import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from accounts.permissions import public
from audit.actions import Action
from audit.log import record
from home import retention

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def _broker_ok() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
            client = getattr(conn.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()  # a Redis connection is lazy until it is used
        return True
    except Exception:
        logger.exception("health check: broker unreachable")
        return False


@public
@never_cache
@require_GET
def healthz(request):
    parts = {
        "database": "ok" if _database_ok() else "unavailable",
        "broker": "ok" if _broker_ok() else "unavailable",
    }
    status = 200 if all(value == "ok" for value in parts.values()) else 503
    return JsonResponse(parts, status=status)


@public
@require_GET
def accessibility_statement(request):
    return render(request, "pages/accessibility.html")


@public
@require_GET
def privacy_notice(request):
    # The schedule is stated from the rules the retention job applies, so the two cannot disagree.
    return render(request, "pages/privacy.html", {"retention_rules": retention.RULES})


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    # The one place every refusal passes (PermissionDenied from role_required, a selector or a service).
    record(Action.PERMISSION_DENIED, request=request, path=request.path[:500], method=request.method)
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # Rendered without the request: context processors may need the database that just failed.
    return HttpResponseServerError(get_template("500.html").render({}))
