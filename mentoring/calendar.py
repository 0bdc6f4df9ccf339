"""A booking as a calendar event, its invitation (METHOD:REQUEST, or METHOD:CANCEL once cancelled) and
the private feed. The files are written by `common.ics`, as every .ics the service makes: one UID per
booking (its uuid) in the feed, the download and every email; SEQUENCE from the booking, raised on
every change; DTSTAMP the moment the file is made; the one Europe/London VTIMEZONE. Training sessions
in the feed are `cohorts.calendar.session_event`, the same event as the schedule download's."""

from django.urls import reverse

from cohorts.calendar import session_event
from cohorts.models import TrainingSession
from common.ics import UID_DOMAIN, CalendarEvent, Person, calendar_text, email_attachment
from common.site import absolute_url

from .models import Booking

STATUS = {
    Booking.Status.CANCELLED: "CANCELLED",
    Booking.Status.PENDING: "TENTATIVE",
    Booking.Status.MOVE_REQUESTED: "TENTATIVE",
}


def booking_uid(booking: Booking) -> str:
    return f"booking-{booking.uid}@{UID_DOMAIN}"


def booking_event(booking: Booking) -> CalendarEvent:
    link = absolute_url(reverse("mentoring:booking_detail", args=[booking.pk]))
    return CalendarEvent(
        uid=booking_uid(booking),
        sequence=booking.sequence,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=f"Mentoring: {booking.officer.full_name} with {booking.mentor.full_name}",
        status=STATUS.get(booking.status, "CONFIRMED"),
        description=f"{booking.agenda}\n\n{link}".strip(),
        location="Online (Microsoft Teams link from your mentor)",
        url=link,
        organizer=Person(email=booking.mentor.email, name=booking.mentor.full_name or booking.mentor.email),
        attendees=(Person(email=booking.officer.email, name=booking.officer.full_name or booking.officer.email),),
    )


def _method(booking: Booking) -> str:
    return "CANCEL" if booking.status == Booking.Status.CANCELLED else "REQUEST"


def booking_ics(booking: Booking) -> str:
    """The invitation for the booking as it stands."""
    return calendar_text([booking_event(booking)], method=_method(booking))


def booking_attachment(booking: Booking) -> dict:
    return email_attachment([booking_event(booking)], method=_method(booking), filename="mentoring-session.ics")


def feed_ics(*, user, bookings, sessions: list[TrainingSession]) -> str:
    """The subscription feed: the user's sessions (cancelled ones leave it) and, for officers, training days."""
    events = [booking_event(booking) for booking in bookings if booking.status != Booking.Status.CANCELLED]
    events += [session_event(session) for session in sessions]
    return calendar_text(events, name="LOTI bootcamp")
