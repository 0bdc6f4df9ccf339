"""Mentoring session reminders: 24 hours and 1 hour before each confirmed session, to the officer and
to the mentor, with the calendar invitation attached. Registered with the notifications dispatcher
from MentoringConfig.ready(); see docs/notifications.md, "Mentoring reminders and digest sections"."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.urls import reverse

from common.site import absolute_url
from notifications.registry import MessageSpec, register_kind, register_reminder_source

from .calendar import booking_attachment
from .models import Booking

REMINDER_PREFIX = "booking:"
# Elapsed time, not wall-clock time: "24 hours before" a session just after a clock change is 23 or
# 25 hours of London wall-clock time earlier, but exactly 24 real hours.
REMINDERS = (("24h", timedelta(hours=24)), ("1h", timedelta(hours=1)))
# Reminders are written this far ahead and wait in the outbox, so a cancellation or a move before they
# are due cancels them rather than racing them.
LOOKAHEAD = timedelta(days=2)
# A reminder whose moment passed more than this long ago is not written (and a queued one is
# cancelled): beat or the mail server was down for a long time and the news is stale.
LATE_GRACE = timedelta(minutes=30)

REMINDER_KIND = register_kind(
    "mentoring_reminder",
    "Mentoring session reminders",
    optional=True,
    description="24 hours and 1 hour before each of your mentoring sessions.",
)


def reminder_key_prefix(booking: Booking) -> str:
    """Every reminder of one booking, whatever its sequence: cancelled when the booking is cancelled or moved."""
    return f"{REMINDER_PREFIX}{booking.pk}:"


def reminder_key(booking: Booking, label: str, person_id: int) -> str:
    # SEQUENCE and start time both: a moved booking gets fresh keys, even if it moves back to a time it
    # had before (the old key exists, cancelled, and a key is never written twice).
    stamp = booking.starts_at.strftime("%Y%m%dT%H%MZ")
    return f"{reminder_key_prefix(booking)}{booking.sequence}:{stamp}:{label}:{person_id}"


def booking_reminders(now: datetime) -> Iterator[MessageSpec]:
    """Confirmed sessions only: a session the officer has not accepted yet (pending) or asked to move
    has no agreed time to remind anyone of. One query, however many bookings."""
    bookings = (
        Booking.objects.filter(status=Booking.Status.CONFIRMED, starts_at__gt=now, starts_at__lte=now + LOOKAHEAD)
        .select_related("mentor", "officer")
        .order_by("starts_at", "pk")
    )
    for booking in bookings:
        wanted = [
            (label, booking.starts_at - before)
            for label, before in REMINDERS
            # Not when the booking was made after the reminder's moment: the confirmation just said it all.
            if booking.starts_at - before > booking.created_at and booking.starts_at - before > now - LATE_GRACE
        ]
        if not wanted:
            continue
        attachment = booking_attachment(booking)
        link = absolute_url(reverse("mentoring:booking_detail", args=[booking.pk]))
        for person, other in ((booking.officer, booking.mentor), (booking.mentor, booking.officer)):
            if not person.is_active:
                continue
            for label, send_after in wanted:
                yield MessageSpec(
                    dedup_key=reminder_key(booking, label, person.pk),
                    to_email=person.email,
                    recipient=person,
                    kind=REMINDER_KIND.name,
                    template="mentoring_reminder",
                    context={
                        "booking": booking,
                        "person": person,
                        "other": other,
                        "is_mentor": person.pk == booking.mentor_id,
                        "soon": label == "1h",
                        "link": link,
                    },
                    send_after=send_after,
                    attachments=[attachment],
                )


register_reminder_source(name="mentoring_booking", dedup_prefix=REMINDER_PREFIX, collect=booking_reminders)
