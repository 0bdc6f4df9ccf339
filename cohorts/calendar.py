"""A training session as a calendar event: its one identity, used by the schedule download
(`schedule.ics`), the day-before reminder's attachment and the mentoring calendar feed. The file itself
is written by `common.ics`, as every .ics the service makes."""

from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse

from common.formatting import format_date
from common.ics import CalendarEvent, Person, calendar_text, email_attachment
from common.site import absolute_url

from .models import TrainingSession


def session_uid(session: TrainingSession) -> str:
    """Stable for the life of the session, so a calendar that took it from the feed, the download and a
    reminder holds one event. Kept as the download and the reminders always wrote it: those copies
    live on in people's calendars, while a subscribed feed replaces its events on the next refresh."""
    return f"training-session-{session.pk}@lotibootcamp"


def session_event(session: TrainingSession) -> CalendarEvent:
    """Everything here is the session's own (no cohort name or place), so each change to it is a change
    to the session, which raises its SEQUENCE (cohorts.services.session_update and session_cancel)."""
    title = f"Bootcamp training day, week {session.week_number}"
    details = []
    if session.moved_from:
        details.append(f"Moved from {format_date(session.moved_from, 'weekday,no_year')} ({session.moved_reason}).")
    details.extend(session.materials_links)
    return CalendarEvent(
        uid=session_uid(session),
        sequence=session.sequence,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"{title}: {session.topic}" if session.topic else title,
        status="CANCELLED" if session.is_cancelled else "CONFIRMED",
        description="\n".join(details),
        location=session.online_link or session.location,
        url=absolute_url(reverse("home")),
        organizer=Person(email=parseaddr(settings.DEFAULT_FROM_EMAIL)[1], name="LOTI Data Science Bootcamp"),
    )


def schedule_calendar(sessions: list[TrainingSession], *, name: str) -> str:
    """The officer's whole schedule. Cancelled sessions stay in, as STATUS:CANCELLED, so calendar apps
    that imported them remove them."""
    return calendar_text([session_event(session) for session in sessions], method="PUBLISH", name=name)


def session_attachment(session: TrainingSession) -> dict:
    return email_attachment([session_event(session)], method="PUBLISH", filename="training-session.ics")
