"""The one place hostile characters are refused, before any view or query sees them: a query string or
form field holding a NUL or another control character gets the 400 page; a path holding one names no
page, so it gets the 404 page.

PostgreSQL cannot store a NUL in text (psycopg2 raises ValueError, a 500), and no person types the
other C0 controls. Tab, line feed and carriage return are kept: text areas send them.
"""

import logging
import re

from django.http import JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _holds_control_characters(pairs) -> bool:
    return any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(value) for value in values)
        for key, values in pairs
    )


def _refusal(request, status: int, title: str, detail: str, template: str):
    """The HTML page, or for the API (/api/) an RFC 9457 problem, as every other API error is."""
    if request.path_info.startswith("/api/"):
        body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        return JsonResponse(body, status=status, content_type="application/problem+json")
    return render(request, template, status=status)


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path_info):
            return _refusal(request, 404, "Not Found", "There is nothing at this address.", "404.html")
        if _holds_control_characters(request.GET.lists()) or (
            request.method == "POST" and _holds_control_characters(request.POST.lists())
        ):
            logger.warning("refused control characters in %s %s", request.method, request.path_info)
            return _refusal(
                request, 400, "Bad Request", "The query string holds a control character: remove it.", "400.html"
            )
        return self.get_response(request)
