"""iCalendar files: one invitation per booking (METHOD:REQUEST or METHOD:CANCEL) and a private feed.

UIDs are stable (the booking's uuid), SEQUENCE comes from the booking and rises on every change, and
times are written with TZID=Europe/London plus its VTIMEZONE, which Outlook, Teams and Google accept.

The VTIMEZONE is written by hand, as Google and Outlook write it: one STANDARD and one DAYLIGHT
observance with yearly rules (the UK rule since 1996). icalendar's `add_missing_timezones()` writes
RDATE lists from 1970 and a leading "BST +0100" observance instead, which Outlook misreads."""

from datetime import datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from cohorts.models import TrainingSession
from common.links import calendar_text
from notifications.services import absolute_url

from .models import Booking

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


def _add_london_timezone(calendar: Calendar) -> None:
    calendar.add_component(Timezone.from_ical(LONDON_VTIMEZONE))


def _calendar(method: str | None = None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/London")
    return calendar


def _address(user, role: str = "REQ-PARTICIPANT") -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.full_name or user.email)
    address.params["role"] = vText(role)
    return address


def booking_uid(booking: Booking) -> str:
    return f"booking-{booking.uid}@{UID_DOMAIN}"


def booking_event(booking: Booking, *, stamp: datetime | None = None) -> Event:
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", booking.starts_at.astimezone(LONDON))
    event.add("dtend", booking.ends_at.astimezone(LONDON))
    event.add("summary", f"Mentoring: {booking.officer.full_name} with {booking.mentor.full_name}")
    link = absolute_url(reverse("mentoring:booking_detail", args=[booking.pk]))
    event.add("description", calendar_text(f"{booking.agenda}\n\n{link}".strip()))
    event.add("url", link)
    event.add("location", "Online (Microsoft Teams link from your mentor)")
    event.add("organizer", _address(booking.mentor, role="CHAIR"))
    event.add("attendee", _address(booking.officer))
    status = {
        Booking.Status.CANCELLED: "CANCELLED",
        Booking.Status.PENDING: "TENTATIVE",
        Booking.Status.MOVE_REQUESTED: "TENTATIVE",
    }.get(booking.status, "CONFIRMED")
    event.add("status", status)
    return event


def booking_ics(booking: Booking) -> str:
    """The invitation for the booking as it stands: METHOD:CANCEL once cancelled, else METHOD:REQUEST."""
    method = "CANCEL" if booking.status == Booking.Status.CANCELLED else "REQUEST"
    calendar = _calendar(method)
    calendar.add_component(booking_event(booking))
    _add_london_timezone(calendar)
    return calendar.to_ical().decode()


def booking_attachment(booking: Booking) -> dict:
    method = "CANCEL" if booking.status == Booking.Status.CANCELLED else "REQUEST"
    return {
        "filename": "mentoring-session.ics",
        "content": booking_ics(booking),
        "mimetype": f"text/calendar; method={method}",
    }


def training_event(session: TrainingSession, *, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"training-{session.pk}@{UID_DOMAIN}")
    event.add("sequence", session.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", session.starts_at.astimezone(LONDON))
    event.add("dtend", session.ends_at.astimezone(LONDON))
    title = f"Bootcamp training day, week {session.week_number}"
    event.add("summary", f"{title}: {session.topic}" if session.topic else title)
    if session.location:
        event.add("location", session.location)
    return event


def feed_ics(*, user, bookings, sessions) -> str:
    calendar = _calendar(name="LOTI bootcamp")
    stamp = timezone.now()
    organiser = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    for booking in bookings:
        if booking.status == Booking.Status.CANCELLED:
            continue
        calendar.add_component(booking_event(booking, stamp=stamp))
    for session in sessions:
        event = training_event(session, stamp=stamp)
        event.add("organizer", vCalAddress(f"mailto:{organiser}"))
        calendar.add_component(event)
    _add_london_timezone(calendar)
    return calendar.to_ical().decode()
