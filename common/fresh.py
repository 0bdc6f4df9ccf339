"""How long a page may keep figures it worked out: until the data under them changes (the key from
common/changes.py) or the clock reaches a time that changes them (the next midnight in London, and
whatever the page names: the next training session, the next booking).

A page passes `fresh(until=[...])` to its template, which keeps the costly part with Django's own
fragment cache, varying on the key and on whatever else the part depends on (the user):

    {% load cache %}
    {% cache fresh.seconds "staff-dashboard" fresh.key user.pk %} ... {% endcache %}

The key names the time the figures stop being right, so a figure is never served past it even if
the cache keeps it a little longer. A part that is kept must not contain a form (its CSRF token is
the request's) or read a table that is not tracked (common.changes.UNTRACKED)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from .changes import data_key


@dataclass(frozen=True)
class Fresh:
    key: str | None
    seconds: int  # 0: do not keep (no key on this database, or a boundary is less than a second away)


def next_midnight(now: datetime) -> datetime:
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time()))


def fresh(*, until: Iterable[datetime | None] = (), now: datetime | None = None) -> Fresh:
    key = data_key()
    if key is None:
        return Fresh(None, 0)
    now = now or timezone.now()
    ends = min([next_midnight(now), *(moment for moment in until if moment is not None and moment > now)])
    # Whole seconds, rounded down: a fragment goes a little before its boundary, never after it.
    seconds = int((ends - now).total_seconds())
    if seconds <= 0:
        return Fresh(None, 0)
    return Fresh(f"{key}|{ends.isoformat()}", seconds)
