"""Reads that cut across the apps, for the role home pages."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from cohorts.models import FEEDBACK_OPEN_DAYS, Cohort, Enrolment, TrainingSession
from cohorts.selectors import at_risk_counts, next_session_start
from common.fresh import kept
from mentoring.models import Booking, MentorAllocation
from mentoring.selectors import QUIET_DAYS
from notifications.models import Message
from projects.models import Milestone
from trainers.models import CascadeSession


class ActiveCohort(NamedTuple):
    pk: int
    name: str
    slug: str
    status: str


@dataclass(frozen=True)
class AttentionItem:
    """One line of "Needs your attention": its words and where it leads. The link is worked out only
    when a page shows the line (the dashboard shows the first few of what can be 100 or more)."""

    text: str
    url_name: str
    slug: str | None = None
    query: str = ""

    @property
    def href(self) -> str:
        kwargs = {"slug": self.slug} if self.slug else None
        return reverse(self.url_name, kwargs=kwargs) + self.query


def staff_attention(*, now: datetime | None = None) -> list[AttentionItem]:
    """What programme staff should look at today, across every cohort that is recruiting or running:
    applications to decide, officers at risk, milestones to sign off or overdue, cascade sessions to
    verify and email that failed (those two first). A fixed number of queries, however many cohorts and rows."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Plain rows, not model instances: the list is as long as the cohorts in progress.
    active = [
        ActiveCohort(*row)
        for row in Cohort.objects.filter(status__in=[Cohort.Status.RECRUITING, Cohort.Status.RUNNING])
        .order_by("start_date", "name", "pk")
        .values_list("pk", "name", "slug", "status")
    ]
    # Programme-wide lines first, so that a dashboard showing only the first lines still shows them.
    items: list[AttentionItem] = []
    unverified = CascadeSession.objects.filter(verified_at__isnull=True).count()
    if unverified:
        items.append(
            AttentionItem(f"{_plural(unverified, 'cascade session')} to verify", "trainers:cascade_session_list")
        )
    failed = Message.objects.filter(status=Message.Status.FAILED).count()
    if failed:
        items.append(
            AttentionItem(f"{_plural(failed, 'email')} failed to send", "notifications:outbox", query="?status=failed")
        )
    decide = dict(
        Enrolment.objects.filter(cohort__in=[cohort.pk for cohort in active], status=Enrolment.Status.MANAGER_APPROVED)
        .values_list("cohort_id")
        .annotate(n=Count("pk"))
    )
    running = [cohort for cohort in active if cohort.status == Cohort.Status.RUNNING]
    at_risk = at_risk_counts([cohort.pk for cohort in running], held_before=now)
    milestones = {
        row["project__cohort_id"]: row
        for row in Milestone.objects.filter(project__cohort__in=[cohort.pk for cohort in running])
        .values("project__cohort_id")
        .annotate(
            to_sign_off=Count("pk", filter=Q(state=Milestone.State.DONE)),
            overdue=Count("pk", filter=Q(state__in=Milestone.OPEN, due_on__lt=today)),
        )
    }
    for cohort in active:
        name, slug = cohort.name, cohort.slug
        if decide.get(cohort.pk):
            text = f"{_plural(decide[cohort.pk], 'application')} to decide on in {name}"
            items.append(AttentionItem(text, "cohorts:application_list", slug))
        if at_risk.get(cohort.pk):
            items.append(
                AttentionItem(
                    f"{_plural(at_risk[cohort.pk], 'officer')} at risk in {name}", "cohorts:cohort_detail", slug
                )
            )
        counts = milestones.get(cohort.pk, {})
        if counts.get("to_sign_off"):
            text = f"{_plural(counts['to_sign_off'], 'milestone')} waiting for sign-off in {name}"
            items.append(AttentionItem(text, "projects:cohort_projects", slug))
        if counts.get("overdue"):
            text = f"{_plural(counts['overdue'], 'overdue milestone')} in {name}"
            items.append(AttentionItem(text, "projects:cohort_projects", slug, "?overdue=yes"))
    return items


def mentor_home_until(mentor, *, now: datetime) -> list[datetime | None]:
    """The times at which the mentor's home page changes with no write: their next session ends (it
    leaves "upcoming"), a mentee's next session starts (it becomes their last), and the oldest of
    their mentees' sessions of the last QUIET_DAYS days gets too old (the mentee may turn quiet; the
    earliest such time, so the page is worked out again no later than needed)."""
    mentees = MentorAllocation.objects.filter(mentor=mentor).values("officer_id")
    quiet = timedelta(days=QUIET_DAYS)
    # Two queries that each follow an index, where one with an OR of the three read every booking.
    mine_ends = (
        Booking.objects.filter(Q(mentor=mentor) | Q(officer=mentor), ends_at__gt=now)
        .active()
        .aggregate(first=Min("ends_at"))["first"]
    )
    times = Booking.objects.filter(
        officer__in=mentees, status=Booking.Status.CONFIRMED, starts_at__gt=now - quiet
    ).aggregate(
        mentee_starts=Min("starts_at", filter=Q(starts_at__gt=now)),
        recent=Min("starts_at", filter=Q(starts_at__lte=now)),
    )
    return [mine_ends, times["mentee_starts"], times["recent"] and times["recent"] + quiet]


def officer_home_until(officer, *, now: datetime) -> list[datetime | None]:
    """The times at which an officer's home page changes with no write: one of their sessions ends
    (its feedback opens) or its feedback window closes, one of their mentoring sessions ends (it
    leaves "upcoming"), or a place offered to them lapses. Dates (this week, the skills questionnaire's
    window) change at midnight, which fresh() always adds."""
    feedback = timedelta(days=FEEDBACK_OPEN_DAYS)
    sessions = TrainingSession.objects.filter(
        cohort__in=Enrolment.objects.filter(officer=officer).values("cohort_id"),
        is_cancelled=False,
        ends_at__gt=now - feedback,
    ).aggregate(opens=Min("ends_at", filter=Q(ends_at__gt=now)), closes=Min("ends_at", filter=Q(ends_at__lte=now)))
    booking = (
        Booking.objects.filter(Q(officer=officer) | Q(mentor=officer), ends_at__gt=now)
        .active()
        .aggregate(first=Min("ends_at"))["first"]
    )
    offer = Enrolment.objects.filter(officer=officer, offer_expires_at__gt=now).aggregate(first=Min("offer_expires_at"))
    return [sessions["opens"], sessions["closes"] and sessions["closes"] + feedback, booking, offer["first"]]


def staff_attention_kept() -> list[AttentionItem]:
    """staff_attention, kept until the data or the clock changes it (the next training session can
    put officers at risk): the attention page pages through it 50 lines at a time."""
    now = timezone.now()
    return kept("staff-attention", compute=lambda: staff_attention(now=now), until=[next_session_start(after=now)])


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
