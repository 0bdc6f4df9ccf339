"""Trainers' reminders, registered with notifications from TrainersConfig.ready() (docs/notifications.md).

- `self-assessment:`: on the first day each stage of the skills self-assessment opens (09:00 London),
  a reminder to the officer with the link (optional). Written up to 3 days ahead; gone, and a queued
  one cancelled, once the officer answers, the stage closes or they leave the cohort.
"""

from collections.abc import Iterator
from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from cohorts.services import LONDON
from common.site import absolute_url
from notifications.registry import MessageSpec, register_kind, register_reminder_source

from .assessments import enrolments_taking_part, owed_windows

SELF_ASSESSMENT_AT = time(9, 0)
LOOKAHEAD = timedelta(days=3)

SELF_ASSESSMENT_KIND = register_kind(
    "self_assessment",
    "Skills self-assessment reminders",
    optional=True,
    description="When your skills questionnaire opens: before the bootcamp, at week 12 and three months after.",
)


def self_assessment_reminders(now: datetime) -> Iterator[MessageSpec]:
    today = timezone.localtime(now, LONDON).date()
    for enrolment in enrolments_taking_part():
        officer = enrolment.officer
        if not officer.is_active:
            continue
        for window in owed_windows(enrolment):
            if not (window.opens_on <= today + LOOKAHEAD and today <= window.closes_on):
                continue
            yield MessageSpec(
                dedup_key=f"self-assessment:{enrolment.pk}:{window.stage}:{window.opens_on:%Y%m%d}",
                to_email=officer.email,
                recipient=officer,
                kind=SELF_ASSESSMENT_KIND.name,
                template="trainers_self_assessment",
                context={
                    "officer": officer,
                    "cohort": enrolment.cohort,
                    "stage": window.label,
                    "closes_on": window.closes_on,
                    "link": absolute_url(
                        reverse("trainers:self_assessment", kwargs={"pk": enrolment.pk, "stage": window.stage})
                    ),
                },
                send_after=datetime.combine(window.opens_on, SELF_ASSESSMENT_AT, tzinfo=LONDON),
            )


register_reminder_source(
    name="trainers_self_assessment", dedup_prefix="self-assessment:", collect=self_assessment_reminders
)
