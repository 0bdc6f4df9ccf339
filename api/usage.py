"""One audit row per API request: who (the token's person and the token), which endpoint, the status,
and how many rows went out."""

from audit.actions import Action
from audit.log import record

from .models import ApiToken


def rows_sent(data) -> int:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return len(data["results"])
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict) and "status" in data and "title" in data:
        return 0  # a problem
    return 1 if data else 0


def record_request(request, response) -> None:
    token = request.auth if isinstance(request.auth, ApiToken) else None
    user = request.user if request.user and request.user.is_authenticated else None
    record(
        Action.API_READ,
        request=request,
        actor=user,
        actor_label="" if user else "anonymous API caller",
        obj=token,
        endpoint=request.path,
        query=request.META.get("QUERY_STRING", "")[:500],
        status=response.status_code,
        rows=rows_sent(getattr(response, "data", None)),
    )
