"""When each stage of the skills self-assessment is open, and which an officer still owes.

- before: from the application until the end of week 1 (the cohort's start date plus 7 days);
- week 12: from the day of the cohort's last week for 28 days;
- three months: from 91 days after graduating, for 28 days.
Dates are London dates; a stage is open from its first day to its last day inclusive."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import User
from cohorts.models import Cohort, Enrolment

from .models import SelfAssessment, SkillStatement

Stage = SelfAssessment.Stage
STAGE_OPEN_DAYS = 28
THREE_MONTHS = timedelta(days=91)
# Statuses whose officers take part: an applicant answers "before"; the other stages need a place.
TAKES_PART = {
    Stage.BEFORE: [
        Enrolment.Status.APPLIED,
        Enrolment.Status.MANAGER_APPROVED,
        Enrolment.Status.SELECTED,
        Enrolment.Status.COMPLETED,
    ],
    Stage.WEEK_12: [Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED],
    Stage.THREE_MONTHS: [Enrolment.Status.COMPLETED],
}


@dataclass(frozen=True)
class Window:
    stage: str
    opens_on: date
    closes_on: date

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on

    @property
    def label(self) -> str:
        return Stage(self.stage).label


def stage_window(enrolment: Enrolment, stage: str) -> Window | None:
    """The stage's window for this enrolment, or None where the stage does not apply (yet). Reads
    `cohort` and, for three months, `graduation`: select_related them when looping."""
    cohort = enrolment.cohort
    if enrolment.status not in TAKES_PART[stage]:
        return None
    if stage == Stage.BEFORE:
        applied_on = timezone.localdate(enrolment.created_at) if enrolment.created_at else cohort.start_date
        return Window(stage, min(applied_on, cohort.start_date), cohort.start_date + timedelta(days=7))
    if stage == Stage.WEEK_12:
        opens = cohort.start_date + timedelta(weeks=cohort.weeks - 1)
        return Window(stage, opens, opens + timedelta(days=STAGE_OPEN_DAYS - 1))
    graduation = getattr(enrolment, "graduation", None)
    if graduation is None:
        return None
    opens = graduation.graduated_on + THREE_MONTHS
    return Window(stage, opens, opens + timedelta(days=STAGE_OPEN_DAYS - 1))


def _with_assessments(qs):
    return qs.select_related("cohort", "officer", "graduation").prefetch_related(
        Prefetch("self_assessments", to_attr="assessment_list")
    )


def enrolments_taking_part(*, officer: User | None = None):
    """Enrolments in cohorts that have statements, with their cohort, graduation and answers."""
    statuses = {status for statuses in TAKES_PART.values() for status in statuses}
    qs = Enrolment.objects.filter(status__in=statuses, cohort__skill_statements__isnull=False).exclude(
        cohort__status=Cohort.Status.DRAFT
    )
    if officer is not None:
        qs = qs.filter(officer=officer)
    return _with_assessments(qs.distinct().order_by("pk"))


def owed_windows(enrolment: Enrolment) -> list[Window]:
    """Every window that applies to the enrolment and that it has not answered, open or not yet."""
    answered = {assessment.stage for assessment in enrolment.assessment_list}
    return [
        window
        for stage in Stage.values
        if stage not in answered and (window := stage_window(enrolment, stage)) is not None
    ]


@dataclass(frozen=True)
class Due:
    enrolment: Enrolment
    window: Window


def assessments_due(officer: User, *, today: date | None = None) -> list[Due]:
    today = today or timezone.localdate()
    return [
        Due(enrolment, window)
        for enrolment in enrolments_taking_part(officer=officer)
        for window in owed_windows(enrolment)
        if window.is_open(today)
    ]


def statements_of(cohort: Cohort) -> list[SkillStatement]:
    return list(SkillStatement.objects.filter(cohort=cohort).order_by("order", "pk"))
