"""Reminder sources that depend only on cohorts. Other apps register theirs the same way (see
docs/notifications.md)."""

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from icalendar import Calendar, Event

from cohorts.models import Cohort, Enrolment, TrainingSession

from .registry import MessageSpec, register_kind, register_reminder_source

LONDON = ZoneInfo("Europe/London")
# Sent at 09:00 London time the day before, whatever the clocks are doing.
TRAINING_REMINDER_AT = time(9, 0)
# Reminders are written this far ahead and wait in the outbox, so a cancellation or a move before
# they are due cancels them rather than racing them.
TRAINING_LOOKAHEAD = timedelta(days=3)

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
    event.add("location", session.online_link or session.location or session.cohort.default_location)
    calendar.add_component(event)
    return {"filename": "training-session.ics", "content": calendar.to_ical().decode(), "mimetype": "text/calendar"}


def training_session_reminders(now: datetime) -> Iterator[MessageSpec]:
    """Each selected officer, the day before each training session of their weeks. The key holds
    the start time, so a moved session gets a new reminder and the old one is cancelled; a
    cancelled session returns nothing, so its queued reminders are cancelled."""
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
        ics = training_session_ics(session)
        stamp = session.starts_at.astimezone(LONDON).strftime("%Y%m%dT%H%M")
        for enrolment in by_cohort.get(session.cohort_id, []):
            if enrolment.stream and not enrolment.stream.covers(session.week_number):
                continue
            officer = enrolment.officer
            yield MessageSpec(
                dedup_key=f"training:{session.pk}:{stamp}:{officer.pk}",
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
