"""The training schedule as an iCalendar feed (RFC 5545) that Outlook and Google Calendar import."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from common.links import calendar_text, safe_url

from .models import TrainingSession

LONDON = ZoneInfo("Europe/London")


def session_uid(session: TrainingSession) -> str:
    """Stable for the life of the session, so a re-imported calendar updates events instead of doubling them."""
    return f"training-session-{session.pk}@lotibootcamp"


def schedule_calendar(sessions: list[TrainingSession], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//LOTI Data Science Bootcamp//Schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    if sessions:
        first = min(session.starts_at for session in sessions)
        last = max(session.ends_at for session in sessions)
        calendar.add_component(
            Timezone.from_tzinfo(LONDON, first_date=first.date() - timedelta(days=1), last_date=last.date())
        )
    stamp = timezone.now()
    for session in sessions:
        event = Event()
        event.add("uid", session_uid(session))
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at.astimezone(LONDON))
        event.add("dtend", session.ends_at.astimezone(LONDON))
        event.add("sequence", session.sequence)
        summary = f"{session.cohort.name}: week {session.week_number}"
        if session.topic:
            summary += f" – {session.topic}"
        event.add("summary", summary)
        location = safe_url(session.online_link) or session.location
        if location:
            event.add("location", location)
        details = []
        if session.moved_from:
            details.append(f"Moved from {session.moved_from:%A %-d %B} ({session.moved_reason}).")
        details.extend(session.materials_links)
        if details:
            event.add("description", calendar_text("\n".join(details)))
        event.add("url", f"{settings.SITE_URL}/")
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
