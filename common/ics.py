"""iCalendar files (RFC 5545), the one way: every .ics the service makes (the mentoring feed, the training
schedule download, a session's invitation download and every invitation attached to an email) is
written here, so each event has one identity everywhere.

An app describes its event once as a `CalendarEvent` (cohorts: a training session, mentoring: a
booking) and this module writes it:

- `UID` is the event's own, stable for its life (the describing app owns it), so a calendar that took
  it from the feed, a download or an email holds one event, not two;
- `SEQUENCE` is the event's, raised by the app on every change, so calendars take the newest;
- `DTSTAMP` is the moment the file is made (the invitation's time, in UTC), never the event's start;
- times are written with `TZID=Europe/London` and the one VTIMEZONE below, in every file.

The VTIMEZONE is written by hand, as Google and Outlook write it: one STANDARD and one DAYLIGHT
observance with yearly rules (the UK rule since 1996). icalendar's `add_missing_timezones()` and
`Timezone.from_tzinfo()` write RDATE lists and a leading "BST +0100" observance instead, which
Outlook is known to misread (events an hour off)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from common import links

LONDON = ZoneInfo("Europe/London")
PRODID = "-//LOTI//Data Science Bootcamp//EN"
UID_DOMAIN = "bootcamp.loti.london"

LONDON_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/London
BEGIN:DAYLIGHT
TZNAME:BST
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZNAME:GMT
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


@dataclass(frozen=True)
class Person:
    email: str
    name: str = ""
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class CalendarEvent:
    """What an app says about one event; `vevent` writes it. `status` is CONFIRMED, TENTATIVE or CANCELLED."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    status: str = "CONFIRMED"
    description: str = ""
    location: str = ""
    url: str = ""
    organizer: Person | None = None
    attendees: tuple[Person, ...] = ()


def _address(person: Person, *, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["cn"] = vText(person.name)
    address.params["role"] = vText(role or person.role)
    return address


def vevent(event: CalendarEvent, *, stamp: datetime) -> Event:
    component = Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("dtstamp", stamp.astimezone(ZoneInfo("UTC")))
    component.add("dtstart", event.starts_at.astimezone(LONDON))
    component.add("dtend", event.ends_at.astimezone(LONDON))
    component.add("summary", event.summary)
    # The one link rule (common.links): calendar apps turn any address in these into a link.
    if event.description:
        component.add("description", links.calendar_text(event.description))
    if event.location:
        component.add("location", links.calendar_text(event.location))
    if event.url and links.safe_url(event.url):
        component.add("url", event.url)
    if event.organizer is not None:
        component.add("organizer", _address(event.organizer, role="CHAIR"))
    for attendee in event.attendees:
        component.add("attendee", _address(attendee))
    component.add("status", event.status)
    return component


def calendar_text(
    events: Iterable[CalendarEvent], *, method: str | None = None, name: str = "", stamp: datetime | None = None
) -> str:
    """A whole .ics file: the events, stamped now (or `stamp`), and the London VTIMEZONE. `method` is
    REQUEST or CANCEL for an invitation, PUBLISH for a published schedule, None for a subscription feed;
    `name` is the calendar's name in the user's calendar app (feeds and downloads)."""
    stamp = stamp or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/London")
    calendar.add_component(Timezone.from_ical(LONDON_VTIMEZONE))
    for event in events:
        calendar.add_component(vevent(event, stamp=stamp))
    return calendar.to_ical().decode()


def email_attachment(events: Iterable[CalendarEvent], *, method: str, filename: str) -> dict:
    """An outbox attachment (`notifications.message_queue(attachments=[...])`) that mail programs offer
    to add to the calendar: `text/calendar` with the same method as inside the file."""
    return {
        "filename": filename,
        "content": calendar_text(events, method=method),
        "mimetype": f"text/calendar; method={method}",
    }
