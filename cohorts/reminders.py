"""Cohorts' reminders, registered with notifications from CohortsConfig.ready() (docs/notifications.md).

- `approval-chase:`: the line manager has not answered 3 working days after the request (essential:
  the officer cannot be selected without it). Gone when the manager decides or the application is
  withdrawn.
- `offer-deadline:`: a waitlisted officer offered a place is nudged two days before the offer runs
  out (optional). The offer email itself is sent by `services._offer_next`; this is only the nudge.
  Gone when the offer is accepted, withdrawn or has expired.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.urls import reverse
from django.utils import timezone

from notifications.registry import MessageSpec, register_kind, register_reminder_source
from notifications.services import absolute_url

from .models import Cohort, Enrolment
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
