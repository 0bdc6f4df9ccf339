"""Reminder sources that depend only on cohorts. Other apps register theirs the same way (see
docs/notifications.md)."""

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from icalendar import Calendar, Event

from cohorts.models import Cohort, Enrolment, TrainingSession
from common.links import safe_url

from .registry import MessageSpec, register_kind, register_reminder_source

LONDON = ZoneInfo("Europe/London")
# Sent at 09:00 London time the day before, whatever the clocks are doing.
TRAINING_REMINDER_AT = time(9, 0)
# Reminders are written this far ahead and wait in the outbox, so a cancellation or a move before
# they are due cancels them rather than racing them.
TRAINING_LOOKAHEAD = timedelta(days=3)
# An edited session's reminder is rewritten with the new details while it is still waiting (or due
# this recently); once the officers have had the first one, an edit does not send another.
TRAINING_EDIT_GRACE = timedelta(minutes=30)

TRAINING_KIND = register_kind(
    "training_reminder",
    "Training day reminders",
    optional=True,
    description="The day before each training session: topic, materials and where it is.",
)


def training_reminder_send_after(starts_at: datetime) -> datetime:
    day_before = starts_at.astimezone(LONDON).date() - timedelta(days=1)
    return datetime.combine(day_before, TRAINING_REMINDER_AT, tzinfo=LONDON)


def training_session_ics(session: TrainingSession) -> dict:
    calendar = Calendar()
    calendar.add("prodid", "-//LOTI Data Science Bootcamp//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"training-session-{session.pk}@lotibootcamp")
    event.add("sequence", session.sequence)
    event.add("dtstamp", session.starts_at)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", f"{session.cohort.name}: {session.topic or f'week {session.week_number}'}")
    event.add("location", safe_url(session.online_link) or session.location or session.cohort.default_location)
    calendar.add_component(event)
    return {"filename": "training-session.ics", "content": calendar.to_ical().decode(), "mimetype": "text/calendar"}


def training_reminder_key(session: TrainingSession, officer_id: int) -> str:
    """The start time, so a moved session gets a new reminder and the old one is cancelled; and the
    calendar SEQUENCE once the session has been edited, so a reminder written days ahead is rewritten
    with the new topic, place and materials (a never-edited session keeps the original key)."""
    stamp = session.starts_at.astimezone(LONDON).strftime("%Y%m%dT%H%M")
    edit = f"s{session.sequence}:" if session.sequence else ""
    return f"training:{session.pk}:{stamp}:{edit}{officer_id}"


def training_session_reminders(now: datetime) -> Iterator[MessageSpec]:
    """Each selected officer, the day before each training session of their weeks. A cancelled
    session returns nothing, so its queued reminders are cancelled; a moved or edited one returns a
    new key (training_reminder_key), so the queued reminder is replaced. An edit made after the
    reminder was due writes none: the officers have had theirs."""
    sessions = list(
        TrainingSession.objects.filter(starts_at__gt=now, starts_at__lte=now + TRAINING_LOOKAHEAD, is_cancelled=False)
        .exclude(cohort__status__in=[Cohort.Status.DRAFT, Cohort.Status.FINISHED])
        .select_related("cohort")
    )
    if not sessions:
        return
    enrolments = (
        Enrolment.objects.filter(
            cohort_id__in={session.cohort_id for session in sessions},
            status=Enrolment.Status.SELECTED,
            officer__is_active=True,
        )
        .select_related("officer", "stream")
        .order_by("pk")
    )
    by_cohort: dict[int, list[Enrolment]] = {}
    for enrolment in enrolments:
        by_cohort.setdefault(enrolment.cohort_id, []).append(enrolment)
    home = reverse("home")
    for session in sessions:
        send_after = training_reminder_send_after(session.starts_at)
        if session.sequence and send_after < now - TRAINING_EDIT_GRACE:
            continue
        ics = training_session_ics(session)
        for enrolment in by_cohort.get(session.cohort_id, []):
            if enrolment.stream and not enrolment.stream.covers(session.week_number):
                continue
            officer = enrolment.officer
            yield MessageSpec(
                dedup_key=training_reminder_key(session, officer.pk),
                to_email=officer.email,
                recipient=officer,
                kind=TRAINING_KIND.name,
                template="training_reminder",
                context={
                    "officer": officer,
                    "session": session,
                    "cohort": session.cohort,
                    "location": session.location or session.cohort.default_location,
                    "home_path": home,
                },
                send_after=send_after,
                attachments=[ics],
            )


register_reminder_source(name="training_session", dedup_prefix="training:", collect=training_session_reminders)
