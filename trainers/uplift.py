"""Skills uplift from the self-assessment: how far officers' own 1-5 ratings moved between "before
the bootcamp" and week 12, and between "before" and three months after graduating.

A change is always one officer's later score less their own earlier score for the same statement,
so officers who answered only one stage count for nothing. Each figure is a median with the number
of officers behind it (docs/impact.md). One query for the whole programme."""

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from cohorts.models import Cohort

from .models import SelfAssessment, SkillRating

BEFORE, WEEK_12, THREE_MONTHS = (
    SelfAssessment.Stage.BEFORE,
    SelfAssessment.Stage.WEEK_12,
    SelfAssessment.Stage.THREE_MONTHS,
)
LATER = (WEEK_12, THREE_MONTHS)


@dataclass
class Change:
    """A median change and how many officers it is the median of."""

    responses: int = 0
    median: float | None = None

    @classmethod
    def of(cls, changes: list[float]) -> "Change":
        return cls(len(changes), round(median(changes), 2) if changes else None)


@dataclass
class SkillUplift:
    statement_id: int
    text: str
    week_12: Change
    three_months: Change


@dataclass
class CohortUplift:
    cohort: Cohort
    week_12: Change
    three_months: Change
    skills: list[SkillUplift] = field(default_factory=list)


def _scores(**filters) -> tuple[dict, dict, dict]:
    """(enrolment, statement) -> stage -> score; statement -> (cohort id, text, order); enrolment -> organisation."""
    scores: dict = defaultdict(dict)
    statements: dict = {}
    organisation_of: dict = {}
    for statement_id, text, order, cohort_id, enrolment_id, organisation_id, stage, score in (
        SkillRating.objects.filter(**filters)
        .values_list(
            "statement_id",
            "statement__text",
            "statement__order",
            "statement__cohort_id",
            "assessment__enrolment_id",
            "assessment__enrolment__organisation_id",
            "assessment__stage",
            "score",
        )
        .order_by()
    ):
        scores[(enrolment_id, statement_id)][stage] = score
        statements[statement_id] = (cohort_id, text, order)
        organisation_of[enrolment_id] = organisation_id
    return scores, statements, organisation_of


def _officer_changes(scores: dict, later: str) -> dict[int, float]:
    """Each officer's mean change over the statements they answered at both stages."""
    per_officer: dict[int, list[int]] = defaultdict(list)
    for (enrolment_id, _), by_stage in scores.items():
        if BEFORE in by_stage and later in by_stage:
            per_officer[enrolment_id].append(by_stage[later] - by_stage[BEFORE])
    return {enrolment_id: sum(values) / len(values) for enrolment_id, values in per_officer.items()}


def cohort_uplift() -> list[CohortUplift]:
    """Every cohort with self-assessment answers, oldest first, with its skills in the cohort's order."""
    scores, statements, _ = _scores()
    if not scores:
        return []
    cohorts = {cohort.pk: cohort for cohort in Cohort.objects.filter(pk__in={c for c, _, _ in statements.values()})}
    cohort_of_enrolment = {enrolment_id: statements[statement_id][0] for enrolment_id, statement_id in scores}
    rows = {pk: CohortUplift(cohort, Change(), Change()) for pk, cohort in cohorts.items()}
    for later, attr in ((WEEK_12, "week_12"), (THREE_MONTHS, "three_months")):
        by_cohort: dict[int, list[float]] = defaultdict(list)
        for enrolment_id, change in _officer_changes(scores, later).items():
            by_cohort[cohort_of_enrolment[enrolment_id]].append(change)
        for pk, changes in by_cohort.items():
            setattr(rows[pk], attr, Change.of(changes))
    per_statement: dict[int, dict[str, list[int]]] = defaultdict(lambda: {WEEK_12: [], THREE_MONTHS: []})
    for (_, statement_id), by_stage in scores.items():
        for later in LATER:
            if BEFORE in by_stage and later in by_stage:
                per_statement[statement_id][later].append(by_stage[later] - by_stage[BEFORE])
    for statement_id, (cohort_id, text, _order) in sorted(statements.items(), key=lambda item: (item[1][2], item[0])):
        changes = per_statement[statement_id]
        rows[cohort_id].skills.append(
            SkillUplift(statement_id, text, Change.of(changes[WEEK_12]), Change.of(changes[THREE_MONTHS]))
        )
    return sorted(rows.values(), key=lambda row: (row.cohort.start_date, row.cohort.pk))


def organisation_uplift() -> dict[int, tuple[Change, Change]]:
    """organisation id -> (median change at week 12, at three months), for the CSV export."""
    scores, _, organisation_of = _scores()
    result: dict[int, list] = {}
    for index, later in enumerate(LATER):
        by_organisation: dict[int, list[float]] = defaultdict(list)
        for enrolment_id, change in _officer_changes(scores, later).items():
            by_organisation[organisation_of[enrolment_id]].append(change)
        for organisation_id, changes in by_organisation.items():
            result.setdefault(organisation_id, [Change(), Change()])[index] = Change.of(changes)
    return {pk: (pair[0], pair[1]) for pk, pair in result.items()}


EXPORT_COLUMNS = [
    "self_assessment_officers_week_12",
    "median_skill_uplift_week_12",
    "self_assessment_officers_three_months",
    "median_skill_uplift_three_months",
]


def export_values(organisation_id: int, uplift: dict[int, tuple[Change, Change]]) -> dict:
    week_12, three_months = uplift.get(organisation_id, (Change(), Change()))
    return {
        "self_assessment_officers_week_12": week_12.responses,
        "median_skill_uplift_week_12": "" if week_12.median is None else week_12.median,
        "self_assessment_officers_three_months": three_months.responses,
        "median_skill_uplift_three_months": "" if three_months.median is None else three_months.median,
    }
