from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.actions import Action
from audit.log import record
from common.formatting import format_date, format_time
from common.site import absolute_url
from notifications.services import message_cancel_for, message_queue

from . import selectors
from .allocation_services import (  # noqa: F401
    ALLOCATION_SUMMARY_KEY,
    AllocationChange,
    allocation_set,
    allocations_save,
)
from .calendar import booking_attachment
from .models import (
    AvailabilityException,
    AvailabilityWindow,
    Booking,
    CalendarFeed,
    MentorAllocation,
    MentorProfile,
    new_calendar_token,
)
from .reminders import reminder_key_prefix

LATE_CANCELLATION = timedelta(hours=24)


class BookingError(Exception):
    """A booking request broke a rule; `message` says which, in words an officer understands."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SlotTaken(BookingError):
    """Someone else holds the time. `nearest` lists the free slots closest to the one asked for."""

    def __init__(self, starts_at: datetime, nearest: list | None = None):
        super().__init__("That time has just been booked by someone else. Choose another time")
        self.starts_at = starts_at
        self.nearest = nearest or []


def _lock_people(*people: User) -> None:
    """Serialises bookings per mentor and per officer: a second request for the same person waits here
    and then sees the first one's booking. Locks are taken in pk order so two requests cannot deadlock."""
    list(User.objects.select_for_update().filter(pk__in=[p.pk for p in people]).order_by("pk").values_list("pk"))


def _locked(booking: Booking) -> Booking:
    """The booking as it is now, its row locked until the transaction ends: every state change reads
    and decides on this copy, so two changes to one session (two tabs, the mentor and the officer)
    run one after the other and the second sees what the first did."""
    return Booking.objects.select_for_update(of=("self",)).select_related("mentor", "officer").get(pk=booking.pk)


def _check_slot(
    *,
    mentor: User,
    officer: User,
    starts_at: datetime,
    now: datetime,
    by_officer: bool,
    weekly_limit: bool,
    exclude: Booking | None = None,
) -> selectors.Slot:
    """Re-derives the slot on the server; the posted time is never trusted."""
    if timezone.is_naive(starts_at):
        raise BookingError("Choose a time from the list")
    profile = MentorProfile.objects.filter(mentor=mentor, mentor__is_mentor=True, mentor__is_active=True).first()
    if profile is None:
        raise BookingError("This mentor is not taking bookings")
    if starts_at <= now:
        raise BookingError("Choose a time in the future")
    if starts_at < now + profile.min_notice:
        raise BookingError(f"Book {mentor.full_name} at least {profile.min_notice_hours} hours ahead")
    if starts_at >= now + timedelta(days=selectors.HORIZON_DAYS + 1):
        # Beyond the slots on offer; also keeps a tampered far-future time (9999-12-31) from overflowing below.
        raise BookingError(f"Choose a time in the next {selectors.HORIZON_DAYS // 7} weeks")
    ends_at = starts_at + profile.session_length
    own = Booking.objects.active().filter(officer=officer).overlapping(starts_at, ends_at)
    if exclude is not None:
        own = own.exclude(pk=exclude.pk)
    if own.exists():
        raise BookingError("You already have a mentoring session at this time")
    if weekly_limit:
        week_start, week_end = selectors.week_bounds(starts_at)
        held = Booking.objects.active().filter(officer=officer, starts_at__gte=week_start, starts_at__lt=week_end)
        if exclude is not None:
            held = held.exclude(pk=exclude.pk)
        limit = selectors.max_bookings_per_week()
        if held.count() >= limit:
            raise BookingError(f"You can book up to {limit} mentoring sessions a week. Choose a time in another week")
    day = selectors.london_date(starts_at)
    slots = selectors.free_slots(
        mentors=[mentor],
        first_day=day,
        day_count=1,
        now=now,
        officer=officer,
        exclude_booking=exclude,
    )
    for slot in slots:
        if slot.starts_at == starts_at:
            return slot
    taught = selectors.officer_taught_times(officer, starts_at, ends_at)
    if taught:
        start, end = (timezone.localtime(moment) for moment in taught[0])
        whose = "your" if by_officer else f"{officer.full_name}’s"
        raise BookingError(
            f"That time is during {whose} training, taught from {format_time(start)} to {format_time(end)}. "
            "Choose a time outside the taught part of the day"
        )
    taken = (
        Booking.objects.active().filter(mentor=mentor).overlapping(starts_at - profile.buffer, ends_at + profile.buffer)
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise SlotTaken(starts_at, selectors.nearest_free_slots(mentor=mentor, around=starts_at, officer=officer))
    raise BookingError(f"That time is not one of {mentor.full_name}’s free slots. Choose a time from the list")


def _london_time(booking: Booking) -> str:
    start = timezone.localtime(booking.starts_at)
    return f"{format_time(start)} on {format_date(start, 'weekday,no_year')}"


def _save(booking: Booking) -> Booking:
    try:
        with transaction.atomic():  # a savepoint, so the caller's transaction survives the refusal
            booking.save()
    except IntegrityError as exc:  # the exclusion constraint is the final word on overlaps
        raise SlotTaken(booking.starts_at) from exc
    return booking


def _audit(booking: Booking, *, by: User, change: str, new: bool = False, **after) -> None:
    """One audit row per change of a booking, written before the change is applied (the fields' old values)."""
    before = {} if new else {name: getattr(booking, name) for name in after}
    record(Action.BOOKING_CHANGED, actor=by, obj=booking, before=before, after=after, change=change)


def _notify(*, booking: Booking, to: User, event: str, headline: str, intro: str, invite: bool = True) -> None:
    message_queue(
        to_email=to.email,
        recipient=to,
        kind=f"mentoring_{event}",
        dedup_key=f"mentoring:{booking.pk}:{booking.sequence}:{event}:{to.pk}",
        template="mentoring_booking",
        context={
            "booking": booking,
            "headline": headline,
            "intro": intro,
            "link": absolute_url(reverse("mentoring:booking_detail", args=[booking.pk])),
        },
        attachments=[booking_attachment(booking)] if invite else [],
    )


@transaction.atomic
def booking_create(
    *, officer: User, mentor: User, starts_at: datetime, agenda: str = "", now: datetime | None = None
) -> Booking:
    """An officer books a free slot. Refusals raise BookingError (SlotTaken when someone else has it)."""
    now = now or timezone.now()
    _lock_people(mentor, officer)
    slot = _check_slot(mentor=mentor, officer=officer, starts_at=starts_at, now=now, by_officer=True, weekly_limit=True)
    booking = _save(
        Booking(
            mentor=mentor,
            officer=officer,
            created_by=officer,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            agenda=agenda.strip(),
            status=Booking.Status.CONFIRMED,
        )
    )
    _audit(booking, by=officer, change="created", new=True, status=booking.status, starts_at=booking.starts_at)
    _notify(
        booking=booking,
        to=officer,
        event="confirmed",
        headline="Your mentoring session is booked",
        intro=f"You are booked with {mentor.full_name}.",
    )
    _notify(
        booking=booking,
        to=mentor,
        event="confirmed",
        headline=f"{officer.full_name} booked a mentoring session",
        intro=f"{officer.full_name} booked a session with you.",
    )
    return booking


@transaction.atomic
def booking_propose(
    *, mentor: User, officer: User, starts_at: datetime, agenda: str = "", now: datetime | None = None
) -> Booking:
    """A mentor schedules a session with one of their mentees, at a time free for both (the officer's
    bookings and taught training time respected, as on every booking page). The officer accepts it or
    asks to move it."""
    now = now or timezone.now()
    if not MentorAllocation.objects.filter(mentor=mentor, officer=officer).exists():
        raise BookingError("You can only schedule sessions with your own mentees")
    _lock_people(mentor, officer)
    slot = _check_slot(
        mentor=mentor, officer=officer, starts_at=starts_at, now=now, by_officer=False, weekly_limit=False
    )
    booking = _save(
        Booking(
            mentor=mentor,
            officer=officer,
            created_by=mentor,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            agenda=agenda.strip(),
            status=Booking.Status.PENDING,
        )
    )
    _audit(booking, by=mentor, change="proposed", new=True, status=booking.status, starts_at=booking.starts_at)
    _notify(
        booking=booking,
        to=officer,
        event="proposed",
        headline=f"{mentor.full_name} scheduled a mentoring session with you",
        intro="Accept it, or ask to move it, from the session page.",
    )
    return booking


@transaction.atomic
def booking_accept(*, booking: Booking, officer: User, now: datetime | None = None) -> Booking:
    """The officer accepts a session their mentor scheduled. Refused once its start has passed: the
    time is gone, and a confirmation with an invitation for it would only mislead both of them."""
    now = now or timezone.now()
    booking = _locked(booking)
    if booking.officer_id != officer.pk or booking.status not in (
        Booking.Status.PENDING,
        Booking.Status.MOVE_REQUESTED,
    ):
        raise BookingError("This session is not waiting for your answer")
    if booking.starts_at <= now:
        raise BookingError(
            "You cannot accept this session because its start time has passed. Ask your mentor for a new time"
        )
    _audit(booking, by=officer, change="accepted", status=Booking.Status.CONFIRMED)
    booking.status = Booking.Status.CONFIRMED
    booking.move_reason = ""
    # The invitation changes from TENTATIVE to CONFIRMED: calendars take the change only with a new SEQUENCE.
    booking.sequence += 1
    booking.save(update_fields=["status", "move_reason", "sequence", "updated_at"])
    _notify(
        booking=booking,
        to=booking.mentor,
        event="accepted",
        headline=f"{officer.full_name} accepted your session",
        intro="The session is confirmed.",
    )
    _notify(
        booking=booking,
        to=officer,
        event="accepted",
        headline="Your mentoring session is confirmed",
        intro=f"You accepted the session {booking.mentor.full_name} scheduled with you.",
    )
    return booking


@transaction.atomic
def booking_request_move(*, booking: Booking, officer: User, reason: str, now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    booking = _locked(booking)
    if booking.officer_id != officer.pk or booking.status != Booking.Status.PENDING:
        raise BookingError("This session is not waiting for your answer")
    if booking.starts_at <= now:
        raise BookingError("You cannot ask to move this session because its start time has passed")
    _audit(booking, by=officer, change="move requested", status=Booking.Status.MOVE_REQUESTED)
    booking.status = Booking.Status.MOVE_REQUESTED
    booking.move_reason = reason.strip()[:300]
    booking.save(update_fields=["status", "move_reason", "updated_at"])
    _notify(
        booking=booking,
        to=booking.mentor,
        event="move_requested",
        headline=f"{officer.full_name} asked to move a session",
        intro=f"Their reason: {booking.move_reason}",
        invite=False,
    )
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, by: User, now: datetime | None = None) -> Booking:
    """No cancelling once the session has started; within 24 hours of the start it is recorded as late."""
    now = now or timezone.now()
    booking = _locked(booking)
    if not booking.is_active:
        raise BookingError("This session has already been cancelled")
    if booking.starts_at <= now:
        raise BookingError("You cannot cancel a session that has already started")
    _audit(booking, by=by, change="cancelled", status=Booking.Status.CANCELLED)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.late_cancellation = booking.starts_at - now < LATE_CANCELLATION
    booking.sequence += 1
    booking.save(
        update_fields=["status", "cancelled_at", "cancelled_by", "late_cancellation", "sequence", "updated_at"]
    )
    # At once rather than at the next dispatch pass, so a reminder falling due meanwhile cannot go.
    message_cancel_for(dedup_prefix=reminder_key_prefix(booking))
    for person in (booking.officer, booking.mentor):
        _notify(
            booking=booking,
            to=person,
            event="cancelled",
            headline="A mentoring session was cancelled",
            intro=f"{by.full_name} cancelled the session.",
        )
    return booking


@transaction.atomic
def booking_reschedule(*, booking: Booking, by: User, starts_at: datetime, now: datetime | None = None) -> Booking:
    """Moves a session to another free slot of the same mentor; the booking keeps its identity (pk and
    calendar UID) and its SEQUENCE rises so calendars update the existing event."""
    now = now or timezone.now()
    _lock_people(booking.mentor, booking.officer)
    booking = _locked(booking)
    if not booking.is_active:
        raise BookingError("This session has been cancelled")
    if booking.starts_at <= now:
        raise BookingError("You cannot move a session that has already started")
    by_mentor = by.pk == booking.mentor_id
    slot = _check_slot(
        mentor=booking.mentor,
        officer=booking.officer,
        starts_at=starts_at,
        now=now,
        by_officer=by.pk == booking.officer_id,
        weekly_limit=not by_mentor,
        exclude=booking,
    )
    status = Booking.Status.PENDING if by_mentor else Booking.Status.CONFIRMED
    _audit(booking, by=by, change="moved", starts_at=slot.starts_at, status=status)
    booking.starts_at, booking.ends_at = slot.starts_at, slot.ends_at
    booking.status = status
    booking.move_reason = ""
    booking.sequence += 1
    _save(booking)
    # The old time's reminders go now; the next dispatch pass writes the new time's (their keys hold the sequence).
    message_cancel_for(dedup_prefix=reminder_key_prefix(booking))
    # Both calendars hold the event, so both get the invitation with the new time and SEQUENCE.
    for person in (booking.officer, booking.mentor):
        _notify(
            booking=booking,
            to=person,
            event="moved",
            headline="A mentoring session has moved",
            intro="You moved the session to a new time."
            if person.pk == by.pk
            else f"{by.full_name} moved the session to a new time.",
        )
    return booking


@transaction.atomic
def booking_mark_no_show(*, booking: Booking, mentor: User, now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    booking = _locked(booking)
    if booking.mentor_id != mentor.pk:
        raise BookingError("Only the session’s mentor can record a no-show")
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingError("You can record a no-show only for a confirmed session")
    if booking.starts_at > now:
        raise BookingError(f"You can record a no-show once the session has started, at {_london_time(booking)}")
    _audit(booking, by=mentor, change="no-show", status=Booking.Status.NO_SHOW)
    booking.status = Booking.Status.NO_SHOW
    booking.save(update_fields=["status", "updated_at"])
    return booking


NOTES_STATUSES = (Booking.Status.CONFIRMED, Booking.Status.NO_SHOW)


def can_record_notes(booking: Booking, *, now: datetime) -> bool:
    """Notes record a session that happened (or a no-show): not one still to come, cancelled or never accepted."""
    return booking.status in NOTES_STATUSES and booking.starts_at <= now


@transaction.atomic
def booking_record_notes(
    *, booking: Booking, mentor: User, notes: str, action_points: str, now: datetime | None = None
) -> Booking:
    now = now or timezone.now()
    booking = _locked(booking)
    if booking.mentor_id != mentor.pk:
        raise BookingError("Only the session’s mentor can write its notes")
    if booking.status not in NOTES_STATUSES:
        raise BookingError("You can write notes only for a session that went ahead")
    if booking.starts_at > now:
        raise BookingError(f"You can write notes once the session has started, at {_london_time(booking)}")
    booking.notes, booking.action_points = notes.strip(), action_points.strip()
    booking.save(update_fields=["notes", "action_points", "updated_at"])
    _audit(booking, by=mentor, change="notes recorded")  # what the notes say stays out of the log
    return booking


@transaction.atomic
def booking_rate(
    *, booking: Booking, officer: User, rating: int, feedback: str, now: datetime | None = None
) -> Booking:
    now = now or timezone.now()
    booking = _locked(booking)
    if booking.officer_id != officer.pk:
        raise BookingError("Only the officer who attended can rate the session")
    if booking.status != Booking.Status.CONFIRMED or booking.starts_at > now:
        raise BookingError("You can rate a session once it has taken place")
    if not 1 <= rating <= 5:
        raise BookingError("Choose a rating from 1 to 5")
    _audit(booking, by=officer, change="rated", rating=rating)
    booking.rating, booking.feedback = rating, feedback.strip()
    booking.save(update_fields=["rating", "feedback", "updated_at"])
    return booking


@transaction.atomic
def mentor_profile_save(*, mentor: User, **fields) -> MentorProfile:
    profile, _ = MentorProfile.objects.get_or_create(mentor=mentor)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def availability_window_add(
    *, mentor: User, starts_time: time, ends_time: time, weekday: int | None = None, on_date=None
) -> AvailabilityWindow:
    window = AvailabilityWindow(
        mentor=mentor,
        kind=AvailabilityWindow.Kind.ONE_OFF if on_date else AvailabilityWindow.Kind.WEEKLY,
        weekday=None if on_date else weekday,
        on_date=on_date,
        starts_time=starts_time,
        ends_time=ends_time,
    )
    window.full_clean()
    window.save()
    return window


@transaction.atomic
def availability_window_delete(*, window: AvailabilityWindow) -> None:
    window.delete()


@transaction.atomic
def leave_add(*, mentor: User, starts_on, ends_on, reason: str = "") -> AvailabilityException:
    leave = AvailabilityException(mentor=mentor, starts_on=starts_on, ends_on=ends_on, reason=reason)
    leave.full_clean()
    leave.save()
    return leave


@transaction.atomic
def leave_delete(*, leave: AvailabilityException) -> None:
    leave.delete()


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new secret token; the old URL stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_calendar_token()
        feed.save(update_fields=["token", "created_at"])
    return feed
