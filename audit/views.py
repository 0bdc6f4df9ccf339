"""The audit log page for programme staff: filtered, paginated, downloadable as CSV. Read-only: there is
no view that adds, changes or deletes a row."""

import json
from datetime import UTC
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from common.csvfile import csv_text
from common.listing import Listing, listing, query_with

from .actions import Action
from .downloads import personal_data_csv_response
from .filters import AUDIT_COLUMNS, OBJECT_TYPE_LABELS, AuditEventFilter
from .models import AuditEvent

PAGE_SIZE = 50
CSV_HEADER = [
    "When (UTC)",
    "Who",
    "Address",
    "Action",
    "Object type",
    "Object id",
    "Object",
    "Before",
    "After",
    "Detail",
]


def programme_staff_only(view):
    """As accounts.permissions.staff_required, which this layer cannot import (audit sits below
    accounts): a signed-in, active member of programme staff, or 403 (which the log records)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and getattr(user, "is_programme_staff", False)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.required_roles = ("programme_staff",)
    return wrapper


def _events(request) -> Listing:
    queryset = AuditEvent.objects.only(
        "at",
        "actor_label",
        "ip_address",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "detail",
    )
    return listing(
        request,
        queryset,
        filterset_class=AuditEventFilter,
        columns=AUDIT_COLUMNS,
        default_sort="-when",
    )


@programme_staff_only
@require_GET
def event_list(request):
    events = _events(request)
    wants_csv = request.GET.get("format") == "csv"
    if wants_csv and events.filterset.form.errors:
        # A download cannot show an error summary, and ignoring the filter would hand over every row:
        # send them to the page, which says what is wrong.
        query = request.GET.copy()
        query.pop("format")
        return redirect(f"{reverse('audit:event_list')}?{query.urlencode()}")
    if wants_csv:
        rows = [
            [
                event.at.astimezone(UTC).isoformat(timespec="seconds"),
                event.actor_label,
                event.ip_address or "",
                event.action,
                event.object_type,
                event.object_id,
                event.object_repr,
                _json(event.before),
                _json(event.after),
                _json(event.detail),
            ]
            for event in events.page.paginator.object_list.iterator(chunk_size=2000)
        ]
        return personal_data_csv_response(
            request, csv_text(CSV_HEADER, rows), filename="audit-log.csv", what="audit log", rows=len(rows)
        )
    for event in events.page:
        event.action_label = Action.label_of(event.action)
        event.object_type_label = OBJECT_TYPE_LABELS.get(event.object_type, event.object_type)
        event.change_lines = _change_lines(event.before, event.after)
    csv_query = query_with(events.params, page=None, format="csv")
    return render(
        request,
        "audit/event_list.html",
        {"listing": events, "page": events.page, "csv_query": csv_query},
    )


def _json(value) -> str:
    return "" if value in (None, {}) else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _change_lines(before, after) -> list[str]:
    before, after = before or {}, after or {}
    return [f"{name}: {before.get(name, '—')} → {after.get(name, '—')}" for name in sorted(set(before) | set(after))]
