"""Demo skills self-assessment: the same six statements for the pilot and the finished spring-2026
cohort. Every spring graduate answered before the bootcamp, at week 12 and three months after
graduating (so the impact pages show uplift at both stages); the pilot's officers answered the
"before" stage. Answers are written as they were on the day (the submit service only accepts an
open stage, which for the demo's past stages would be a lie). Deterministic and safe to run again."""

import random
from datetime import datetime, time, timedelta

from cohorts.models import Cohort, Enrolment
from cohorts.services import LONDON

from .assessments import stage_window
from .models import SelfAssessment, SkillRating, SkillStatement

STATEMENTS = [
    "I can clean and standardise names and addresses in Python",
    "I can write a fuzzy matching rule in Python",
    "I can explain how probabilistic linkage (such as Splink) weighs evidence",
    "I can judge the quality of a linkage from a sample of its matches",
    "I can explain the information governance a data-matching project needs",
    "I can share my code with colleagues using Git",
]
Stage = SelfAssessment.Stage


def _statements(cohort: Cohort) -> list[SkillStatement]:
    return [
        SkillStatement.objects.get_or_create(cohort=cohort, text=text, defaults={"order": order})[0]
        for order, text in enumerate(STATEMENTS)
    ]


def _answer(enrolment: Enrolment, stage: str, statements, scores: list[int]) -> None:
    window = stage_window(enrolment, stage)
    if window is None:
        return
    at = datetime.combine(window.opens_on + timedelta(days=1), time(12), tzinfo=LONDON)
    assessment, created = SelfAssessment.objects.get_or_create(
        enrolment=enrolment, stage=stage, defaults={"submitted_at": at}
    )
    if created:
        SkillRating.objects.bulk_create(
            SkillRating(assessment=assessment, statement=statement, score=score)
            for statement, score in zip(statements, scores, strict=True)
        )


def seed(*, pilot: Cohort, spring: Cohort) -> None:
    rng = random.Random("skills")  # noqa: S311 - demo data, not security
    spring_statements = _statements(spring)
    for enrolment in spring.enrolments.filter(status=Enrolment.Status.COMPLETED).select_related("cohort", "graduation"):
        before = [rng.choice([1, 1, 2, 2, 3]) for _ in spring_statements]
        week_12 = [min(5, score + rng.choice([1, 2, 2, 3])) for score in before]
        later = [max(1, min(5, score + rng.choice([-1, 0, 0, 1]))) for score in week_12]
        _answer(enrolment, Stage.BEFORE, spring_statements, before)
        _answer(enrolment, Stage.WEEK_12, spring_statements, week_12)
        _answer(enrolment, Stage.THREE_MONTHS, spring_statements, later)
    pilot_statements = _statements(pilot)
    for enrolment in pilot.enrolments.filter(status=Enrolment.Status.SELECTED).select_related("cohort"):
        _answer(enrolment, Stage.BEFORE, pilot_statements, [rng.choice([1, 2, 2, 3]) for _ in pilot_statements])
