"""The one place hostile characters are refused, before any view or query sees them: a query string or
form field holding a NUL or another control character gets the 400 page; a path holding one names no
page, so it gets the 404 page.

PostgreSQL cannot store a NUL in text (psycopg2 raises ValueError, a 500), and no person types the
other C0 controls. Tab, line feed and carriage return are kept: text areas send them.
"""

import logging
import re

from django.shortcuts import render

logger = logging.getLogger(__name__)

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _holds_control_characters(pairs) -> bool:
    return any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(value) for value in values)
        for key, values in pairs
    )


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path_info):
            return render(request, "404.html", status=404)
        if _holds_control_characters(request.GET.lists()) or (
            request.method == "POST" and _holds_control_characters(request.POST.lists())
        ):
            logger.warning("refused control characters in %s %s", request.method, request.path_info)
            return render(request, "400.html", status=400)
        return self.get_response(request)
