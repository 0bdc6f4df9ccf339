"""Shared by the audit-row tests: a client with a known address, and the one row an action wrote."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent

ADDRESS = "198.51.100.7"


def web() -> Client:
    """A test client whose requests come from ADDRESS, so a row's address is the one the request had."""
    return Client(REMOTE_ADDR=ADDRESS)


def the_row(action: str, **filters) -> AuditEvent:
    """The single row of `action` (and `filters`), written just now, its time in UTC."""
    rows = list(AuditEvent.objects.filter(action=action, **filters))
    assert len(rows) == 1, [(row.action, row.object_repr, row.detail) for row in rows]
    event = rows[0]
    assert event.at.utcoffset() == timedelta(0)
    assert abs(timezone.now() - event.at) < timedelta(minutes=2)
    return event


def about(event: AuditEvent) -> tuple[str, str]:
    return event.object_type, event.object_id


def ref(obj) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)
