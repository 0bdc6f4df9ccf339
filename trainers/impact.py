"""Impact figures: what the bootcamp achieved, per organisation, per cohort and in total. Reads only,
each in a fixed number of queries whatever the number of rows (the pages' query-count tests hold
them to that).

Definitions (see docs/impact.md):
- officers trained: officers with a selected or completed place on a cohort;
- graduates: officers with a completed place (marked by staff on the graduation page);
- projects completed: every milestone signed off, or a published case study;
- case studies: published case studies;
- cascade sessions and colleagues reached: sessions graduates logged, counted in the organisation the
  graduate belonged to when they logged it (per cohort: sessions by that cohort's graduates);
- mentor hours: hours of mentoring sessions held (confirmed and ended; not cancelled, not no-shows),
  by the officer's organisation, and by the officer's cohort at the time of the session.
A project counts once for each organisation whose officers worked on it, so the per-organisation
project numbers can add up to more than the total.
"""

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Organisation
from cohorts.models import Cohort, Enrolment
from mentoring.models import Booking
from projects.models import Milestone, Project

from .models import CascadeSession

TRAINED = [Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED]

MEASURES = {
    "officers_trained": "Officers trained",
    "graduates": "Graduates",
    "projects_completed": "Projects completed",
    "case_studies": "Case studies published",
    "cascade_sessions": "Cascade sessions",
    "colleagues_reached": "Colleagues reached",
    "mentor_hours": "Mentor hours",
}
DEFAULT_MEASURE = "colleagues_reached"


@dataclass
class Figures:
    officers_trained: int = 0
    graduates: int = 0
    projects_completed: int = 0
    case_studies: int = 0
    cascade_sessions: int = 0
    colleagues_reached: int = 0
    mentor_hours: float = 0

    def value(self, measure: str) -> float:
        return getattr(self, measure)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class OrganisationImpact:
    organisation: Organisation
    figures: Figures = field(default_factory=Figures)


@dataclass
class CohortImpact:
    cohort: Cohort
    figures: Figures = field(default_factory=Figures)


# --- mentor hours ---


def _held_sessions() -> list[tuple[int, int, datetime, float]]:
    """(officer id, officer's organisation id, start, hours) of every mentoring session held: confirmed
    and ended. Cancelled sessions, no-shows and sessions still to come are not mentor hours. One query."""

    held = Booking.objects.filter(status=Booking.Status.CONFIRMED, ends_at__lte=timezone.now())
    return [
        (officer_id, organisation_id, starts_at, (ends_at - starts_at).total_seconds() / 3600)
        for officer_id, organisation_id, starts_at, ends_at in held.values_list(
            "officer_id", "officer__organisation_id", "starts_at", "ends_at"
        )
    ]


def mentor_hours_by_organisation() -> dict[int, float]:
    """Hours of mentoring held with officers, by the officer's organisation id. One query."""
    hours: dict[int, float] = defaultdict(float)
    for _, organisation_id, _, length in _held_sessions():
        hours[organisation_id] += length
    return {organisation_id: round(total, 1) for organisation_id, total in hours.items()}


def mentor_hours_by_cohort() -> dict[int, float]:
    """Hours of mentoring held with officers, by cohort id. A session counts for the officer's cohort
    (selected or completed place) that had started by the session's date; if none had, their first.
    Two queries."""
    places: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for officer_id, cohort_id, start_date in Enrolment.objects.filter(status__in=TRAINED).values_list(
        "officer_id", "cohort_id", "cohort__start_date"
    ):
        places[officer_id].append((start_date, cohort_id))
    hours: dict[int, float] = defaultdict(float)
    for officer_id, _, starts_at, length in _held_sessions():
        cohorts = sorted(places.get(officer_id, []))
        if not cohorts:
            continue
        day = timezone.localdate(starts_at)
        started = [cohort_id for start_date, cohort_id in cohorts if start_date <= day]
        hours[started[-1] if started else cohorts[0][1]] += length
    return {cohort_id: round(total, 1) for cohort_id, total in hours.items()}


# --- shared reads ---


@dataclass
class ProjectOutcome:
    cohort_id: int
    completed: bool
    case_study_published: bool
    organisation_ids: set[int] = field(default_factory=set)


def project_outcomes() -> dict[int, ProjectOutcome]:
    """Every project, whether it is completed and has a published case study, and the organisations of
    its officers. Two queries."""
    projects = Project.objects.annotate(
        milestone_total=Count("milestones", distinct=True),
        milestones_signed=Count("milestones", filter=Q(milestones__state=Milestone.State.SIGNED_OFF), distinct=True),
        published=Count("case_study", filter=Q(case_study__published_at__isnull=False), distinct=True),
    ).values_list("pk", "cohort_id", "milestone_total", "milestones_signed", "published")
    outcomes = {
        pk: ProjectOutcome(
            cohort_id=cohort_id,
            completed=bool(published) or (total > 0 and signed == total),
            case_study_published=bool(published),
        )
        for pk, cohort_id, total, signed, published in projects
    }
    for project_id, organisation_id in Project.officers.through.objects.values_list(
        "project_id", "user__organisation_id"
    ):
        if project_id in outcomes and organisation_id is not None:
            outcomes[project_id].organisation_ids.add(organisation_id)
    return outcomes


def london_authorities() -> list[Organisation]:
    """The 34 London authorities (32 boroughs, the City, the GLA) in GSS code order."""
    return list(Organisation.objects.exclude(kind=Organisation.Kind.PARTNER).order_by("gss_code"))


# --- per organisation, per cohort, in total ---


def organisation_impact(*, include_partners: bool = True) -> list[OrganisationImpact]:
    """One row for every London authority (zero rows included), in GSS code order, then partner
    organisations that have any figure above zero. Six queries."""
    rows = {o.pk: OrganisationImpact(organisation=o) for o in Organisation.objects.order_by("gss_code", "name")}
    for row in (
        Enrolment.objects.filter(status__in=TRAINED)
        .values("organisation_id")
        .annotate(
            trained=Count("officer_id", distinct=True),
            graduates=Count("officer_id", filter=Q(status=Enrolment.Status.COMPLETED), distinct=True),
        )
    ):
        figures = rows[row["organisation_id"]].figures
        figures.officers_trained, figures.graduates = row["trained"], row["graduates"]
    for row in CascadeSession.objects.values("organisation_id").annotate(
        n=Count("pk"), reached=Sum("colleagues_reached")
    ):
        figures = rows[row["organisation_id"]].figures
        figures.cascade_sessions, figures.colleagues_reached = row["n"], row["reached"] or 0
    for outcome in project_outcomes().values():
        for organisation_id in outcome.organisation_ids:
            rows[organisation_id].figures.projects_completed += int(outcome.completed)
            rows[organisation_id].figures.case_studies += int(outcome.case_study_published)
    for organisation_id, hours in mentor_hours_by_organisation().items():
        rows[organisation_id].figures.mentor_hours = hours
    authorities = [row for row in rows.values() if row.organisation.is_london_authority]
    partners = [
        row for row in rows.values() if not row.organisation.is_london_authority and any(row.figures.as_dict().values())
    ]
    return authorities + (partners if include_partners else [])


def cohort_impact() -> list[CohortImpact]:
    """One row per cohort that is not a draft, oldest first. Four queries."""
    cohorts = Cohort.objects.exclude(status=Cohort.Status.DRAFT).annotate(
        trained=Count("enrolments__officer", filter=Q(enrolments__status__in=TRAINED), distinct=True),
        graduates=Count("enrolments__officer", filter=Q(enrolments__status=Enrolment.Status.COMPLETED), distinct=True),
    )
    rows = {
        cohort.pk: CohortImpact(
            cohort=cohort, figures=Figures(officers_trained=cohort.trained, graduates=cohort.graduates)
        )
        for cohort in cohorts.order_by("start_date", "pk")
    }
    for row in (
        Enrolment.objects.filter(status=Enrolment.Status.COMPLETED, cohort_id__in=list(rows))
        .values("cohort_id")
        .annotate(n=Count("officer__cascade_sessions"), reached=Sum("officer__cascade_sessions__colleagues_reached"))
    ):
        figures = rows[row["cohort_id"]].figures
        figures.cascade_sessions, figures.colleagues_reached = row["n"], row["reached"] or 0
    for outcome in project_outcomes().values():
        if outcome.cohort_id in rows:
            rows[outcome.cohort_id].figures.projects_completed += int(outcome.completed)
            rows[outcome.cohort_id].figures.case_studies += int(outcome.case_study_published)
    for cohort_id, hours in mentor_hours_by_cohort().items():
        if cohort_id in rows:
            rows[cohort_id].figures.mentor_hours = hours
    return list(rows.values())


def impact_totals() -> Figures:
    """The programme's totals: each officer and each project counted once. Four queries."""
    people = Enrolment.objects.filter(status__in=TRAINED).aggregate(
        trained=Count("officer_id", distinct=True),
        graduates=Count("officer_id", filter=Q(status=Enrolment.Status.COMPLETED), distinct=True),
    )
    cascade = CascadeSession.objects.aggregate(n=Count("pk"), reached=Sum("colleagues_reached"))
    outcomes = project_outcomes().values()
    return Figures(
        officers_trained=people["trained"],
        graduates=people["graduates"],
        projects_completed=sum(1 for o in outcomes if o.completed),
        case_studies=sum(1 for o in outcomes if o.case_study_published),
        cascade_sessions=cascade["n"],
        colleagues_reached=cascade["reached"] or 0,
        mentor_hours=round(sum(mentor_hours_by_organisation().values()), 1),
    )


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def colleagues_reached_by_month(*, months: int = 12, today: date | None = None) -> list[tuple[date, int, int]]:
    """(first day of month, sessions, colleagues reached) for each of the last `months` months up to
    this one, months without sessions included. One query."""
    today = today or timezone.localdate()
    first = _month_start(today, months - 1)
    found = {
        row["month"]: (row["n"], row["reached"])
        for row in CascadeSession.objects.filter(delivered_on__gte=first, delivered_on__lte=today)
        .annotate(month=TruncMonth("delivered_on"))
        .values("month")
        .annotate(n=Count("pk"), reached=Sum("colleagues_reached"))
    }
    result = []
    for back in range(months - 1, -1, -1):
        month = _month_start(today, back)
        sessions, reached = found.get(month, (0, 0))
        result.append((month, sessions, reached or 0))
    return result


def export_rows() -> list[dict]:
    """The CSV export: one row per London authority (all 34, zero rows included), no partners."""
    return [
        {"gss_code": row.organisation.gss_code, "organisation": row.organisation.name, **row.figures.as_dict()}
        for row in organisation_impact(include_partners=False)
    ]


EXPORT_COLUMNS = [
    "gss_code",
    "organisation",
    "officers_trained",
    "graduates",
    "projects_completed",
    "case_studies",
    "cascade_sessions",
    "colleagues_reached",
    "mentor_hours",
]
