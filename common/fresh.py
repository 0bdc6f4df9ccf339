"""How long a page may keep figures it worked out: until the data under them changes (the key from
common/changes.py) or the clock reaches a time that changes them (the next midnight in London, and
whatever the page names: the next training session, the next booking).

A page passes `fresh(until=[...])` to its template, which keeps the costly part with Django's own
fragment cache, varying on the key and on whatever else the part depends on (the user):

    {% load cache %}
    {% cache fresh.seconds "staff-dashboard" fresh.key user.pk %} ... {% endcache %}

The key names the time the figures stop being right, so a figure is never served past it even if
the cache keeps it a little longer. A part that is kept must not contain a form (its CSRF token is
the request's) or read a table that is not tracked (common.changes.UNTRACKED). A view whose work
happens before its template (the impact summary) keeps its rendered part with `kept()` instead, and a
list page the part under its heading with `kept_part()`."""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TypeVar

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from .changes import data_key

T = TypeVar("T")


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


def kept(name: str, *vary: object, compute: Callable[[], T], until: Iterable[datetime | None] = ()) -> T:
    """`compute()`, kept in the cache under `name`, what it varies on and the data key, until the data
    or the clock changes it. Where there is no key (not PostgreSQL) it is worked out every time."""
    state = fresh(until=until)
    if state.key is None:
        return compute()
    digest = hashlib.sha256(repr((state.key, *vary)).encode()).hexdigest()
    key = f"kept:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, state.seconds)
    return value


def kept_part(
    request,
    name: str,
    template_name: str,
    context: Callable[[], dict],
    *,
    vary: Iterable[object] = (),
    until: Iterable[datetime | None] = (),
) -> str:
    """The part of a page under its heading (a list's counts, filter panel, table and pagination),
    rendered from `template_name` with `context()` and kept under the page's path, the person, its
    whole query string (filters, sort and page) and the data key, until the data or the clock changes
    it. The part is rendered with `request` in its context (pagination links and the filter panel read
    the query string from it) but without the context processors: it must not need them, hold a form
    that posts (a CSRF token is one request's) or read a table that is not tracked."""
    query = sorted((field, tuple(request.GET.getlist(field))) for field in request.GET)
    return kept(
        name,
        request.path,
        getattr(request.user, "pk", None),
        query,
        *vary,
        compute=lambda: render_to_string(template_name, {**context(), "request": request}),
        until=until,
    )
