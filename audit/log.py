"""The one way to write the audit log: `record(action, ...)` from the code path that did the thing.

Actions are dotted names, `<area>.<verb>` (see `audit.actions`). `before` and `after` hold the fields
that changed, as JSON-safe values; `detail` anything else worth keeping (row counts, reasons)."""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from typing import Any

from django.db import models

from common.bulk import rows_insert

from .models import AuditEvent

# The request being served, set by audit.middleware.AuditRequestMiddleware, so that a service deep in
# a domain app records who acted and from which address without every caller passing the request.
current_request: contextvars.ContextVar = contextvars.ContextVar("audit_current_request", default=None)


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def _event(
    action: str,
    *,
    request=None,
    actor=None,
    actor_label: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    detail: dict,
) -> dict:
    """The row's values: the actor defaults to the request's signed-in user; without a request, the
    request being served (if any) gives the address and the actor."""
    if request is None:
        request = current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not actor_label:
        actor_label = getattr(actor, "email", "") or str(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    return {
        "actor": actor,
        "actor_label": actor_label[:254],
        "ip_address": client_ip(request),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id or ""),
        "object_repr": object_repr[:200],
        "before": _json_safe(before),
        "after": _json_safe(after),
        "detail": _json_safe(detail),
    }


def record(
    action: str,
    *,
    request=None,
    actor=None,
    actor_label: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append one row. The actor defaults to the request's signed-in user; without a request, the
    request being served (if any) gives the address and the actor."""
    event = AuditEvent(
        **_event(
            action,
            request=request,
            actor=actor,
            actor_label=actor_label,
            obj=obj,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            before=before,
            after=after,
            detail=detail,
        )
    )
    event.save()
    return event


def record_many(
    action: str,
    changes: list[tuple[models.Model, dict | None, dict | None]],
    *,
    request=None,
    actor=None,
    actor_label: str = "",
    **detail: Any,
) -> int:
    """`record` for a batch written in bulk (a roster import): one row per (obj, before, after), the
    same actor and detail on each, in one INSERT, so the batch's query count does not grow with it.
    Returns how many rows were written."""
    events = [
        _event(
            action,
            request=request,
            actor=actor,
            actor_label=actor_label,
            obj=obj,
            before=before,
            after=after,
            detail=detail,
        )
        for obj, before, after in changes
    ]
    return len(rows_insert(AuditEvent, events))


def changes(instance: models.Model, fields: list[str], old: dict) -> tuple[dict, dict]:
    """(before, after) for the `fields` whose value differs from `old` (a dict read before the change)."""
    before, after = {}, {}
    for name in fields:
        new_value = getattr(instance, name)
        if old.get(name) != new_value:
            before[name], after[name] = old.get(name), new_value
    return _json_safe(before), _json_safe(after)


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    return {name: getattr(instance, name) for name in fields}
