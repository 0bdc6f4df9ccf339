"""The retention schedule, and the one job that applies it (daily, from beat; or `manage.py apply_retention`).

Each rule names what it removes, after how long, and a queryset of what is due. `retention_apply`
runs every rule in one transaction and records one audit row with the counts; `dry_run` counts only.
The privacy notice (/privacy/) shows this schedule from RULES itself, so a rule's `keeps` is what
people read; docs/security.md repeats it for operators: change it there too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from audit.actions import Action
from audit.log import record
from audit.models import RETENTION_YEARS, AuditEvent
from cohorts.models import Attendance, Enrolment
from notifications.models import Message

UNSUCCESSFUL_MONTHS = 12
OUTBOX_BODY_DAYS = 90
FAILED_SIGN_IN_DAYS = 90

# An application that never became a place: kept a year after the cohort starts (for appeals and the
# waitlist), then deleted with its history and scores.
UNSUCCESSFUL = (
    Enrolment.Status.APPLIED,
    Enrolment.Status.MANAGER_APPROVED,
    Enrolment.Status.WAITLISTED,
    Enrolment.Status.WITHDRAWN,
)


def years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February, in a year that has none
        return moment.replace(year=moment.year - years, day=28)


@dataclass(frozen=True)
class Rule:
    name: str
    keeps: str  # the schedule in words, as the privacy notice says it
    due: Callable[[datetime], QuerySet]
    # "delete" removes the rows; otherwise a dict of fields to blank
    blank: dict | None = None


def _unsuccessful_applications(now: datetime) -> QuerySet:
    cutoff = years_before(now, UNSUCCESSFUL_MONTHS // 12).date()
    marked = Attendance.objects.filter(enrolment=OuterRef("pk"))
    # A withdrawal after training began has attendance marks: the programme's figures count them.
    return Enrolment.objects.filter(status__in=UNSUCCESSFUL, cohort__start_date__lt=cutoff).exclude(Exists(marked))


def _outbox_bodies(now: datetime) -> QuerySet:
    cutoff = now - timedelta(days=OUTBOX_BODY_DAYS)
    finished = Message.objects.filter(
        status__in=[Message.Status.SENT, Message.Status.FAILED, Message.Status.CANCELLED]
    ).exclude(body_text="", body_html="", attachments=[])
    sent_long_ago = finished.filter(sent_at__lt=cutoff)
    never_sent_long_ago = finished.filter(sent_at__isnull=True, created_at__lt=cutoff)
    return sent_long_ago | never_sent_long_ago


def _audit_rows(now: datetime) -> QuerySet:
    # A day's margin past the trigger's own 6 years, so a row the job picks is always one it may delete.
    return AuditEvent.objects.filter(at__lt=years_before(now, RETENTION_YEARS) - timedelta(days=1))


def _expired_sessions(now: datetime) -> QuerySet:
    return Session.objects.filter(expire_date__lt=now)


def _failed_sign_ins(now: datetime) -> QuerySet:
    return AccessAttempt.objects.filter(attempt_time__lt=now - timedelta(days=FAILED_SIGN_IN_DAYS))


RULES = [
    Rule(
        "unsuccessful applications",
        f"{UNSUCCESSFUL_MONTHS} months after the cohort starts",
        _unsuccessful_applications,
    ),
    Rule(
        "outbox email bodies",
        f"{OUTBOX_BODY_DAYS} days after sending (who, when and what kind stay)",
        _outbox_bodies,
        blank={"body_text": "", "body_html": "", "attachments": []},
    ),
    Rule("audit log rows", f"{RETENTION_YEARS} years", _audit_rows),
    Rule("expired sign-in sessions", "until they expire (12 hours at most)", _expired_sessions),
    Rule("failed sign-in records", f"{FAILED_SIGN_IN_DAYS} days", _failed_sign_ins),
]


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    count: int


def retention_apply(*, dry_run: bool = False, now: datetime | None = None) -> list[RuleResult]:
    now = now or timezone.now()
    if dry_run:
        return [RuleResult(rule, rule.due(now).count()) for rule in RULES]
    with transaction.atomic():
        results = []
        for rule in RULES:
            due = rule.due(now)
            if rule.blank is not None:
                count = Message.objects.filter(pk__in=due.values("pk")).update(**rule.blank)
            else:
                count = due.count()
                if count:
                    # Querysets delete with SQL (no per-row delete()), so the audit model's refusal to
                    # delete one row does not apply; its trigger lets rows past the 6 years go.
                    due.delete()
            results.append(RuleResult(rule, count))
        record(
            Action.RETENTION_APPLIED,
            actor_label="retention job",
            counts={result.rule.name: result.count for result in results},
        )
    return results
