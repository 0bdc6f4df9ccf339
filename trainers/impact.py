"""Impact figures: what the bootcamp achieved, per organisation, per cohort and in total, over a period.
Reads only. Every figure is a SQL aggregate; `ImpactReport` runs each query at most once however many
of its tables a page shows, so a page's query count is fixed and has no duplicates.

Definitions (docs/impact.md says the same for readers):
- officers trained: officers with a place (selected or completed, not withdrawn) on a cohort that has
  finished;
- in training: officers with a place on a cohort that has not finished yet;
- graduates: officers with a completed place (marked by staff on the graduation page);
- projects completed: every milestone signed off, or a published case study; case studies: published;
- cascade sessions and colleagues reached: sessions graduates logged **and staff verified**, counted in
  the organisation the graduate belonged to when they logged it (per cohort: sessions by that cohort's
  graduates). Sessions not verified yet are counted apart, as "waiting for verification";
- linkage quality: projects with runs in the period, once each; measured if a mentor or staff confirmed
  one of their runs' counts, otherwise counted apart by their latest run (waiting, rejected,
  self-reported);
- mentor hours: hours of mentoring sessions held (confirmed and ended; not cancelled, not no-shows),
  by the officer's organisation, and by the officer's cohort at the time of the session.
A period: cohort figures (the first five) count cohorts that started in it; cascade sessions count by
the day they were delivered, mentor hours by the day of the session (London time).
A project counts once for each organisation whose officers worked on it, so the per-organisation
project numbers can add up to more than the total.
"""

from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from accounts.models import Organisation
from cohorts.models import Cohort, Enrolment
from mentoring.models import Booking
from projects.models import CaseStudy, Milestone, Project
from projects.quality_selectors import QualityCounts, linkage_quality_counts

from . import uplift
from .models import CascadeSession

TRAINED = [Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED]
FINISHED = Q(cohort__status=Cohort.Status.FINISHED)
NOT_FINISHED = Q(cohort__status__in=[s for s in Cohort.Status.values if s != Cohort.Status.FINISHED])

MEASURES = {
    "officers_trained": "Officers trained",
    "in_training": "Officers in training",
    "graduates": "Graduates",
    "projects_completed": "Projects completed",
    "case_studies": "Case studies published",
    "cascade_sessions": "Cascade sessions",
    "colleagues_reached": "Colleagues reached",
    "mentor_hours": "Mentor hours",
}
DEFAULT_MEASURE = "colleagues_reached"
# The measures that have sessions waiting for verification beside them, and where those are counted.
WAITING = {"cascade_sessions": "cascade_sessions_waiting", "colleagues_reached": "colleagues_reached_waiting"}


@dataclass(frozen=True)
class Period:
    """Inclusive dates; either end may be open. The default is the programme's whole history."""

    starts_on: date | None = None
    ends_on: date | None = None

    @property
    def is_all_time(self) -> bool:
        return self.starts_on is None and self.ends_on is None

    def q(self, lookup: str) -> Q:
        """The rows whose `lookup` (a date) falls in the period."""
        q = Q()
        if self.starts_on:
            q &= Q(**{f"{lookup}__gte": self.starts_on})
        if self.ends_on:
            q &= Q(**{f"{lookup}__lte": self.ends_on})
        return q


ALL_TIME = Period()


@dataclass
class Figures:
    officers_trained: int = 0
    in_training: int = 0
    graduates: int = 0
    projects_completed: int = 0
    case_studies: int = 0
    cascade_sessions: int = 0
    colleagues_reached: int = 0
    mentor_hours: float = 0
    cascade_sessions_waiting: int = 0
    colleagues_reached_waiting: int = 0

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


class MonthFigures(NamedTuple):
    month: date
    sessions: int
    reached: int
    sessions_waiting: int
    reached_waiting: int


# --- the SQL: each builds one query ---


def _people_counts() -> dict:
    return {
        "officers_trained": Count("officer_id", filter=FINISHED, distinct=True),
        "in_training": Count("officer_id", filter=NOT_FINISHED, distinct=True),
        "graduates": Count("officer_id", filter=Q(status=Enrolment.Status.COMPLETED), distinct=True),
    }


def _cascade_counts(sessions: str = "") -> dict:
    """Verified and waiting sessions and colleagues; `sessions` is the path to the cascade sessions."""
    prefix = f"{sessions}__" if sessions else ""
    verified, waiting = Q(**{f"{prefix}verified_at__isnull": False}), Q(**{f"{prefix}verified_at__isnull": True})
    return {
        "cascade_sessions": Count(sessions or "pk", filter=verified),
        "colleagues_verified": Sum(f"{prefix}colleagues_reached", filter=verified),
        "cascade_sessions_waiting": Count(sessions or "pk", filter=waiting),
        "colleagues_waiting": Sum(f"{prefix}colleagues_reached", filter=waiting),
    }


# Annotations cannot share a model field's name: which figure each one fills.
_FIGURE_OF = {"colleagues_verified": "colleagues_reached", "colleagues_waiting": "colleagues_reached_waiting"}


def _with_outcomes(qs, project: str):
    """`qs` with `published`, `any_milestone` and `open_milestone` for the project `project` points at."""
    milestones = Milestone.objects.filter(project=OuterRef(project))
    return qs.alias(
        published=Exists(CaseStudy.objects.filter(project=OuterRef(project), published_at__isnull=False)),
        any_milestone=Exists(milestones),
        open_milestone=Exists(milestones.exclude(state=Milestone.State.SIGNED_OFF)),
    )


def _completed() -> Q:
    """A completed project (on rows `_with_outcomes` annotated): a published case study, or every
    milestone signed off."""
    return Q(published=True) | Q(any_milestone=True, open_milestone=False)


def _project_counts(key: str) -> dict:
    """Completed projects and case studies."""
    return {
        "projects_completed": Count(key, filter=_completed(), distinct=True),
        "case_studies": Count(key, filter=Q(published=True), distinct=True),
    }


def _linked_project_counts() -> dict:
    """_project_counts for rows that point at a project (its officers, one row each): each project's
    outcome is worked out once, in a set PostgreSQL hashes, not again for every officer on it."""
    completed = _with_outcomes(Project.objects, "pk").filter(_completed()).values("pk")
    published = CaseStudy.objects.filter(published_at__isnull=False).values("project_id")
    return {
        "projects_completed": Count("project_id", filter=Q(project_id__in=completed), distinct=True),
        "case_studies": Count("project_id", filter=Q(project_id__in=published), distinct=True),
    }


def _hours(length: timedelta | None) -> float:
    return round((length or timedelta()).total_seconds() / 3600, 1)


class ImpactReport:
    """The figures for one period, each query run once, on first use."""

    def __init__(self, period: Period = ALL_TIME, *, today: date | None = None):
        self.period = period
        self.today = today or timezone.localdate()

    # --- mentor hours ---

    def _held_sessions(self):
        """Mentoring sessions held: confirmed and ended. Cancelled sessions, no-shows and sessions still
        to come are not mentor hours."""
        return (
            Booking.objects.filter(status=Booking.Status.CONFIRMED, ends_at__lte=timezone.now())
            .alias(day=TruncDate("starts_at"))
            .filter(self.period.q("day"))
        )

    @staticmethod
    def _length() -> Sum:
        return Sum(ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField()))

    @cached_property
    def mentor_hours_by_organisation(self) -> dict[int | None, float]:
        """Hours of mentoring held with officers, by the officer's organisation id. One query."""
        rows = self._held_sessions().values("officer__organisation_id").annotate(length=self._length())
        return {row["officer__organisation_id"]: _hours(row["length"]) for row in rows}

    @cached_property
    def linkage_quality(self) -> QualityCounts:
        """Projects by what their linkage figures rest on, for runs in the period (by the day run). Two queries."""
        return linkage_quality_counts(self.period.q("run_on"))

    @cached_property
    def mentor_hours_by_cohort(self) -> dict[int, float]:
        """Hours of mentoring held with officers, by cohort id. A session counts for the officer's cohort
        (selected or completed place) that had most recently started by the session's day; if none had,
        their first. One query.

        Worked out once per place, not per session: a window over each officer's places, in order of
        their cohorts' starts, gives each place the days it covers (from its cohort's start, or from the
        beginning for the first, to the next place's start), joined to the held hours per officer and
        day. Choosing a cohort for each session by subqueries took most of a second at scale."""
        held_sql, held_params = (
            self._held_sessions()
            .values("officer_id", held_on=F("day"))
            .annotate(length=self._length())
            .order_by()
            .query.sql_with_params()
        )
        sql = f"""
            WITH places AS (
                SELECT e.officer_id, e.cohort_id, c.start_date,
                       ROW_NUMBER() OVER officer_places AS place,
                       LEAD(c.start_date) OVER officer_places AS next_start
                FROM {Enrolment._meta.db_table} e JOIN {Cohort._meta.db_table} c ON c.id = e.cohort_id
                WHERE e.status IN ({", ".join(["%s"] * len(TRAINED))})
                WINDOW officer_places AS (PARTITION BY e.officer_id ORDER BY c.start_date, e.cohort_id)
            )
            SELECT p.cohort_id, SUM(h.length)
            FROM ({held_sql}) h JOIN places p ON p.officer_id = h.officer_id
                 AND (p.place = 1 OR h.held_on >= p.start_date) AND (p.next_start IS NULL OR h.held_on < p.next_start)
            GROUP BY p.cohort_id
        """  # noqa: S608  only table names and Django's own SQL are formatted in; every value is a parameter
        with connection.cursor() as cursor:
            cursor.execute(sql, [*TRAINED, *held_params])
            rows = cursor.fetchall()
        if not connection.features.has_native_duration_field:  # SQLite sums microseconds
            rows = [(cohort_id, timedelta(microseconds=length)) for cohort_id, length in rows]
        return {cohort_id: _hours(length) for cohort_id, length in rows}

    # --- per organisation ---

    @cached_property
    def organisations(self) -> list[OrganisationImpact]:
        """Every organisation with its figures, in GSS code order. Six queries."""
        rows = {o.pk: OrganisationImpact(organisation=o) for o in Organisation.objects.order_by("gss_code", "name")}
        people = (
            Enrolment.objects.filter(self.period.q("cohort__start_date"), status__in=TRAINED)
            .values("organisation_id")
            .annotate(**_people_counts())
        )
        for row in people:
            self._fill(rows[row.pop("organisation_id")].figures, row)
        cascade = (
            CascadeSession.objects.filter(self.period.q("delivered_on"))
            .values("organisation_id")
            .annotate(**_cascade_counts())
        )
        for row in cascade:
            self._fill(rows[row.pop("organisation_id")].figures, row)
        projects = (
            Project.officers.through.objects.filter(
                self.period.q("project__cohort__start_date"), user__organisation__isnull=False
            )
            .values("user__organisation_id")
            .annotate(**_linked_project_counts())
        )
        for row in projects:
            self._fill(rows[row.pop("user__organisation_id")].figures, row)
        for organisation_id, hours in self.mentor_hours_by_organisation.items():
            if organisation_id in rows:
                rows[organisation_id].figures.mentor_hours = hours
        return list(rows.values())

    def organisation_rows(self, *, include_partners: bool = True) -> list[OrganisationImpact]:
        """One row for every London authority (zero rows included), in GSS code order, then partner
        organisations that have any figure above zero."""
        authorities = [row for row in self.organisations if row.organisation.is_london_authority]
        partners = [
            row
            for row in self.organisations
            if not row.organisation.is_london_authority and any(row.figures.as_dict().values())
        ]
        return authorities + (partners if include_partners else [])

    # --- per cohort ---

    @cached_property
    def cohort_headcounts(self) -> list[CohortImpact]:
        """One row per cohort that is not a draft, oldest first, with only its officers trained, in
        training and graduates (for cohorts that started in the period). One query: the summary page's
        chart and table need no more."""
        in_period = Q(enrolments__status__in=TRAINED) & self.period.q("start_date")
        cohorts = Cohort.objects.exclude(status=Cohort.Status.DRAFT).annotate(
            trained=Count("enrolments__officer", filter=in_period, distinct=True),
            graduates=Count(
                "enrolments__officer",
                filter=in_period & Q(enrolments__status=Enrolment.Status.COMPLETED),
                distinct=True,
            ),
        )
        rows = []
        for cohort in cohorts.order_by("start_date", "pk"):
            finished = cohort.status == Cohort.Status.FINISHED
            figures = Figures(
                officers_trained=cohort.trained if finished else 0,
                in_training=0 if finished else cohort.trained,
                graduates=cohort.graduates,
            )
            rows.append(CohortImpact(cohort=cohort, figures=figures))
        return rows

    @cached_property
    def cohorts(self) -> list[CohortImpact]:
        """One row per cohort that is not a draft, oldest first, with every figure; cohort figures only
        for cohorts that started in the period. Four queries (the headcounts' and three more)."""
        rows = {
            row.cohort.pk: CohortImpact(cohort=row.cohort, figures=replace(row.figures))
            for row in self.cohort_headcounts
        }
        cascade = (
            Enrolment.objects.filter(status=Enrolment.Status.COMPLETED, cohort_id__in=list(rows))
            .filter(self.period.q("officer__cascade_sessions__delivered_on"))
            .values("cohort_id")
            .annotate(**_cascade_counts("officer__cascade_sessions"))
        )
        for row in cascade:
            self._fill(rows[row.pop("cohort_id")].figures, row)
        projects = (
            _with_outcomes(Project.objects, "pk")
            .filter(self.period.q("cohort__start_date"), cohort_id__in=list(rows))
            .values("cohort_id")
            .annotate(**_project_counts("pk"))
        )
        for row in projects:
            self._fill(rows[row.pop("cohort_id")].figures, row)
        for cohort_id, hours in self.mentor_hours_by_cohort.items():
            if cohort_id in rows:
                rows[cohort_id].figures.mentor_hours = hours
        return list(rows.values())

    @cached_property
    def finished_cohorts(self) -> list[Cohort]:
        """The finished cohorts whose officers count as trained in this period (no query of its own)."""
        return [
            row.cohort
            for row in self.cohort_headcounts
            if row.cohort.status == Cohort.Status.FINISHED and row.figures.officers_trained
        ]

    # --- in total ---

    @cached_property
    def totals(self) -> Figures:
        """The programme's totals: each officer and each project counted once. Two queries of their own;
        cascade sessions and mentor hours add up the organisations' rows."""
        figures = Figures()
        people = Enrolment.objects.filter(self.period.q("cohort__start_date"), status__in=TRAINED).aggregate(
            **_people_counts()
        )
        projects = (
            _with_outcomes(Project.objects, "pk")
            .filter(self.period.q("cohort__start_date"))
            .aggregate(**_project_counts("pk"))
        )
        self._fill(figures, {**people, **projects})
        # Every cascade session belongs to exactly one organisation, so its rows add up to the total.
        for row in self.organisations:
            for name in (
                "cascade_sessions",
                "colleagues_reached",
                "cascade_sessions_waiting",
                "colleagues_reached_waiting",
            ):
                setattr(figures, name, getattr(figures, name) + getattr(row.figures, name))
        figures.mentor_hours = round(sum(self.mentor_hours_by_organisation.values()), 1)
        return figures

    # --- over time ---

    def months(self, count: int = 12) -> list[MonthFigures]:
        """Cascade sessions for each of the last `count` months of the period (up to this month), months
        without sessions included. One query."""
        last = min(self.period.ends_on or self.today, self.today)
        first = _month_start(last, count - 1)
        if self.period.starts_on and self.period.starts_on > first:
            first = _month_start(self.period.starts_on)
        period = Period(max(first, self.period.starts_on or first), last)
        found = {
            row["month"]: row
            for row in CascadeSession.objects.filter(period.q("delivered_on"))
            .annotate(month=TruncMonth("delivered_on"))
            .values("month")
            .annotate(**_cascade_counts())
        }
        result, month = [], first
        while month <= last:
            row = found.get(month, {})
            result.append(
                MonthFigures(
                    month,
                    row.get("cascade_sessions", 0),
                    row.get("colleagues_verified") or 0,
                    row.get("cascade_sessions_waiting", 0),
                    row.get("colleagues_waiting") or 0,
                )
            )
            month = _month_start(month, -1)
        return result

    @staticmethod
    def _fill(figures: Figures, row: dict) -> None:
        for name, value in row.items():
            setattr(figures, _FIGURE_OF.get(name, name), value or 0)


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


# --- the module's public reads, each building its own report (a page builds one and shares it) ---


def organisation_impact(*, include_partners: bool = True, period: Period = ALL_TIME) -> list[OrganisationImpact]:
    return ImpactReport(period).organisation_rows(include_partners=include_partners)


def cohort_impact(*, period: Period = ALL_TIME) -> list[CohortImpact]:
    return ImpactReport(period).cohorts


def impact_totals(*, period: Period = ALL_TIME) -> Figures:
    return ImpactReport(period).totals


def mentor_hours_by_organisation(*, period: Period = ALL_TIME) -> dict[int | None, float]:
    return ImpactReport(period).mentor_hours_by_organisation


def mentor_hours_by_cohort(*, period: Period = ALL_TIME) -> dict[int, float]:
    return ImpactReport(period).mentor_hours_by_cohort


def colleagues_reached_by_month(
    *, months: int = 12, today: date | None = None, period: Period = ALL_TIME
) -> list[MonthFigures]:
    return ImpactReport(period, today=today).months(months)


EXPORT_COLUMNS = ["gss_code", "organisation", *(f.name for f in fields(Figures)), *uplift.EXPORT_COLUMNS]


def export_rows(*, period: Period = ALL_TIME) -> list[dict]:
    """The CSV export: one row per London authority (all 34, zero rows included), no partners."""
    skills = uplift.organisation_uplift()  # self-assessment uplift is all time: see docs/impact.md
    return [
        {
            "gss_code": row.organisation.gss_code,
            "organisation": row.organisation.name,
            **row.figures.as_dict(),
            **uplift.export_values(row.organisation.pk, skills),
        }
        for row in ImpactReport(period).organisation_rows(include_partners=False)
    ]
