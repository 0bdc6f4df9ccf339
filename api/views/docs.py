"""The schema and the browsable docs. Swagger UI comes from drf-spectacular-sidecar's static files
(no CDN) and is started by a static script, so the strict CSP holds (no inline script)."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from ..problems import KINDS
from .data import ApiMixin


@method_decorator(login_not_required, name="dispatch")
class SchemaView(SpectacularAPIView):
    """OpenAPI 3 for a token or a signed-in browser (the docs page reads it with the session)."""


@require_GET
def docs(request):
    problems = [(slug, status, text) for status, (slug, text) in sorted(KINDS.items())]
    return render(request, "api/docs.html", {"problems": problems})


@method_decorator(login_not_required, name="dispatch")
class NotFoundView(ApiMixin, APIView):
    """Any other address under /api/: a problem+json 404, not the HTML page."""

    schema = None  # not an endpoint of the API

    def get(self, request, *args, **kwargs):
        raise NotFound("There is nothing at this address. The endpoints are listed at /api/v1/docs/.")
