"""Errors as RFC 9457 problem details (`application/problem+json`): type, title, status and detail,
in words an analyst can act on. Django's own 404 and 500 pages stay HTML everywhere else."""

from http import HTTPStatus

from django.urls import reverse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_JSON = "application/problem+json"

# status → (slug in the docs page, what to do about it)
KINDS = {
    400: ("bad-request", "A query parameter is not valid: see errors."),
    401: ("unauthorized", "Send a valid personal access token: Authorization: Bearer lbc_…"),
    403: ("forbidden", "Your token does not allow this: it needs programme staff's programme-data scope."),
    404: ("not-found", "There is nothing at this address."),
    405: ("method-not-allowed", "The API is read-only: use GET."),
    406: ("not-acceptable", "The API answers only application/json."),
    429: ("too-many-requests", "Too many requests with this token: wait and try again."),
}


def problem_type(request, status: int) -> str:
    slug = KINDS.get(status, ("error", ""))[0]
    base = reverse("api:docs")
    return request.build_absolute_uri(f"{base}#problem-{slug}") if request is not None else f"{base}#problem-{slug}"


def _flatten(data) -> dict[str, list[str]]:
    if isinstance(data, dict):
        return {
            str(key): [str(item) for item in (value if isinstance(value, list) else [value])]
            for key, value in data.items()
        }
    if isinstance(data, list):
        return {"non_field_errors": [str(item) for item in data]}
    return {"non_field_errors": [str(data)]}


def problem_response(request, status: int, detail: str, *, errors: dict | None = None, headers=None) -> Response:
    body = {
        "type": problem_type(request, status),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or KINDS.get(status, ("", HTTPStatus(status).description))[1],
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status, headers=headers, content_type=PROBLEM_JSON)


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real fault: Django's 500 handling and logging
    request = context.get("request")
    headers = {key: value for key, value in response.items() if key in ("WWW-Authenticate", "Retry-After", "Allow")}
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = "A query parameter is not valid: " + "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in errors.items()
        )
    elif isinstance(exc, exceptions.Throttled):
        detail = f"Too many requests with this token. Try again in {exc.wait or 1:.0f} seconds."
    elif isinstance(exc, exceptions.NotAuthenticated):
        detail = KINDS[401][1]
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail) == exceptions.PermissionDenied.default_detail:
        detail = KINDS[403][1]
    elif isinstance(exc, exceptions.APIException):
        detail = str(exc.detail)
    else:
        detail = KINDS.get(response.status_code, ("", ""))[1]
    return problem_response(request, response.status_code, detail, errors=errors, headers=headers)
