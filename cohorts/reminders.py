"""Cohorts' reminders, registered with notifications from CohortsConfig.ready() (docs/notifications.md).

- `approval-chase:`: the line manager has not answered 3 working days after the request (essential:
  the officer cannot be selected without it). Gone when the manager decides or the application is
  withdrawn.
- `offer-deadline:`: a waitlisted officer offered a place is nudged two days before the offer runs
  out (optional). The offer email itself is sent by `services.applications._offer_next`; this is only the nudge.
  Gone when the offer is accepted, withdrawn or has expired.
- `training:`: the day before each training session, to every officer it is for (optional), with the
  session as a calendar attachment (`cohorts.calendar.session_attachment`: the same UID as the feed
  and the schedule download). Rewritten when the session is edited, gone when it is cancelled.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.urls import reverse
from django.utils import timezone

from common.site import absolute_url
from notifications.registry import MessageSpec, register_kind, register_reminder_source

from .calendar import session_attachment
from .models import Cohort, Enrolment, TrainingSession
from .services import LONDON, MANAGER_LINK_MAX_AGE, bank_holidays, manager_link_token, next_working_day

APPROVAL_CHASE_WORKING_DAYS = 3
APPROVAL_CHASE_AT = time(9, 0)
OFFER_REMINDER_DAYS_BEFORE = 2
OFFER_REMINDER_AT = time(9, 0)

APPROVAL_CHASE_KIND = register_kind("approval_chase", "Reminders to line managers to approve an application")
OFFER_DEADLINE_KIND = register_kind(
    "offer_deadline",
    "Reminders before an offered place runs out",
    optional=True,
    description="Two days before the deadline to accept a place offered from the waitlist.",
)


@lru_cache(maxsize=8)
def _closed_days(year: int):
    return bank_holidays(range(year, year + 2))


def working_days_after(day: date, count: int) -> date:
    """The `count`th working day after `day` (weekends and England bank holidays skipped)."""
    closed = _closed_days(day.year)
    for _ in range(count):
        day = next_working_day(day + timedelta(days=1), closed)
    return day


def approval_chase_send_after(requested_at: datetime) -> datetime:
    """09:00 London on the third working day after the day the manager was asked."""
    day = working_days_after(timezone.localtime(requested_at, LONDON).date(), APPROVAL_CHASE_WORKING_DAYS)
    return datetime.combine(day, APPROVAL_CHASE_AT, tzinfo=LONDON)


def offer_reminder_send_after(expires_at: datetime) -> datetime:
    """09:00 London two days before the day the offer runs out."""
    day = timezone.localtime(expires_at, LONDON).date() - timedelta(days=OFFER_REMINDER_DAYS_BEFORE)
    return datetime.combine(day, OFFER_REMINDER_AT, tzinfo=LONDON)


def approval_chases(now: datetime) -> Iterator[MessageSpec]:
    """Applications still waiting for the line manager. Only while the manager's link could still be
    valid: after that staff chase by hand. The link in the chase is signed afresh."""
    waiting = (
        Enrolment.objects.filter(
            status=Enrolment.Status.APPLIED,
            manager_decision=Enrolment.ManagerDecision.PENDING,
            created_at__gt=now - MANAGER_LINK_MAX_AGE,
        )
        .exclude(line_manager_email="")
        .exclude(cohort__status=Cohort.Status.FINISHED)
        .select_related("officer", "cohort", "organisation")
        .order_by("pk")
    )
    for enrolment in waiting:
        link = absolute_url(reverse("cohorts:manager_decision", kwargs={"token": manager_link_token(enrolment)}))
        yield MessageSpec(
            dedup_key=f"approval-chase:{enrolment.pk}:{enrolment.line_manager_email}",
            to_email=enrolment.line_manager_email,
            kind=APPROVAL_CHASE_KIND.name,
            template="cohorts_approval_chase",
            context={"enrolment": enrolment, "link": link, "days": MANAGER_LINK_MAX_AGE.days},
            send_after=approval_chase_send_after(enrolment.created_at),
        )


def offer_deadline_reminders(now: datetime) -> Iterator[MessageSpec]:
    """Open offers of a place. The key holds the deadline, so a new offer gets a new reminder."""
    offers = (
        Enrolment.objects.filter(status=Enrolment.Status.WAITLISTED, offer_expires_at__gt=now)
        .filter(officer__is_active=True)
        .select_related("officer", "cohort")
        .order_by("pk")
    )
    for enrolment in offers:
        stamp = timezone.localtime(enrolment.offer_expires_at, LONDON).strftime("%Y%m%dT%H%M")
        officer = enrolment.officer
        yield MessageSpec(
            dedup_key=f"offer-deadline:{enrolment.pk}:{stamp}",
            to_email=officer.email,
            recipient=officer,
            kind=OFFER_DEADLINE_KIND.name,
            template="cohorts_offer_deadline",
            context={
                "enrolment": enrolment,
                "link": absolute_url(reverse("cohorts:application_detail", kwargs={"pk": enrolment.pk})),
            },
            send_after=offer_reminder_send_after(enrolment.offer_expires_at),
        )


register_reminder_source(name="cohorts_approval_chase", dedup_prefix="approval-chase:", collect=approval_chases)
register_reminder_source(
    name="cohorts_offer_deadline", dedup_prefix="offer-deadline:", collect=offer_deadline_reminders
)


# --- training day reminders ---

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
        # Made when the reminder is written: its DTSTAMP is the time of this invitation.
        ics = session_attachment(session)
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
