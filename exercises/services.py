"""Every write to exercises: creating and publishing them, taking a submission, scoring it."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cohorts.models import Cohort, Enrolment

from . import generator, scoring
from .models import Exercise, ExerciseRecord, Submission, TruePair

logger = logging.getLogger(__name__)
MAX_PEOPLE = 20_000


@dataclass
class ExerciseTruth:
    left_ids: list[str]
    right_ids: list[str]
    true_pairs: list[tuple[str, str]]


def exercise_truth(*, exercise: Exercise) -> ExerciseTruth:
    """The ids in each file and the true pairs, in three queries."""
    records = ExerciseRecord.objects.filter(exercise=exercise)
    return ExerciseTruth(
        left_ids=list(records.filter(side=ExerciseRecord.Side.LEFT).values_list("record_id", flat=True)),
        right_ids=list(records.filter(side=ExerciseRecord.Side.RIGHT).values_list("record_id", flat=True)),
        true_pairs=list(
            TruePair.objects.filter(exercise=exercise)
            .order_by("left_id", "right_id")
            .values_list("left_id", "right_id")
        ),
    )


def score_file(*, exercise: Exercise, content: bytes | str, sample_seed: int = 0) -> scoring.Score:
    """Scores a pairs file against the exercise exactly as an upload is scored (scoring.read_and_score).
    Raises scoring.PairsFileError with row errors for a bad file."""
    truth = exercise_truth(exercise=exercise)
    return scoring.read_and_score(
        content,
        left_ids=truth.left_ids,
        right_ids=truth.right_ids,
        true_pairs=truth.true_pairs,
        sample_seed=sample_seed,
    )


@transaction.atomic
def exercise_create(
    *,
    cohort: Cohort,
    title: str,
    slug: str,
    difficulty: str,
    people: int,
    seed: int,
    created_by: User,
    instructions: str = "",
) -> Exercise:
    """Generates the two synthetic files and the true pairs (exercises.generator) and stores them."""
    if not created_by.is_programme_staff:
        raise PermissionDenied
    if not 10 <= people <= MAX_PEOPLE:
        raise ValidationError({"people": f"Choose between 10 and {MAX_PEOPLE:,} residents"})
    exercise = Exercise(
        cohort=cohort,
        title=title,
        slug=slug,
        difficulty=difficulty,
        people=people,
        seed=seed,
        instructions=instructions,
        created_by=created_by,
    )
    exercise.full_clean()
    exercise.save()
    generated = generator.generate(seed=seed, people=people, difficulty=difficulty)
    ExerciseRecord.objects.bulk_create(
        [
            ExerciseRecord(
                exercise=exercise,
                side=side,
                record_id=person.record_id,
                first_name=person.first_name,
                surname=person.surname,
                date_of_birth=person.date_of_birth,
                address=person.address,
                postcode=person.postcode,
            )
            for side, people_on_side in (
                (ExerciseRecord.Side.LEFT, generated.left),
                (ExerciseRecord.Side.RIGHT, generated.right),
            )
            for person in people_on_side
        ],
        batch_size=2000,
    )
    TruePair.objects.bulk_create(
        [TruePair(exercise=exercise, left_id=left, right_id=right) for left, right in generated.true_pairs],
        batch_size=2000,
    )
    return exercise


@transaction.atomic
def exercise_publish(*, exercise: Exercise, actor: User) -> Exercise:
    if not actor.is_programme_staff:
        raise PermissionDenied
    if not exercise.is_published:
        exercise.is_published = True
        exercise.published_at = timezone.now()
        exercise.published_by = actor
        exercise.save(update_fields=["is_published", "published_at", "published_by"])
    return exercise


@transaction.atomic
def exercise_set_leaderboard(*, exercise: Exercise, on: bool, actor: User) -> Exercise:
    if not actor.is_programme_staff:
        raise PermissionDenied
    exercise.leaderboard_on = on
    exercise.leaderboard_changed_at = timezone.now()
    exercise.leaderboard_changed_by = actor
    exercise.save(update_fields=["leaderboard_on", "leaderboard_changed_at", "leaderboard_changed_by"])
    return exercise


def may_submit(*, exercise: Exercise, officer: User) -> bool:
    return (
        exercise.is_published
        and officer.is_officer
        and Enrolment.objects.filter(
            cohort_id=exercise.cohort_id, officer=officer, status=Enrolment.Status.SELECTED
        ).exists()
    )


def _enqueue_scoring(submission_id: int) -> None:
    try:
        current_app.tasks["exercises.score_submission"].delay(submission_id=submission_id)
    except Exception:  # the broker is down: the sweeper (exercises.sweep_unscored) hands it over later
        logger.exception("could not enqueue scoring of submission %s", submission_id)


@transaction.atomic
def submission_create(
    *, exercise: Exercise, officer: User, file_name: str, content: bytes | str, enqueue: bool = True
) -> Submission:
    """Checks the file (scoring.read_pairs) and stores the checked pairs for the worker to score after
    commit. A bad file raises scoring.PairsFileError and saves nothing. `enqueue=False` (demo data)
    leaves the scoring to the caller."""
    if not may_submit(exercise=exercise, officer=officer):
        raise PermissionDenied
    truth = exercise_truth(exercise=exercise)
    pairs = scoring.read_pairs(
        content, left_ids=scoring.pd.Index(truth.left_ids), right_ids=scoring.pd.Index(truth.right_ids)
    )
    submission = Submission.objects.create(
        exercise=exercise,
        officer=officer,
        file_name=file_name[:255],
        pairs_csv=scoring.pairs_text(pairs),
        pair_count=len(pairs),
        has_scores=pairs.has_scores,
        swapped_rows=pairs.swapped,
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue_scoring(submission.pk))
    return submission


def submission_score(*, submission_id: int) -> Submission | None:
    """Scores a queued submission. Idempotent: a submission already scored is left as it is, and the
    row is locked while it is scored so two workers cannot both write it."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("exercise")
            .filter(pk=submission_id)
            .exclude(status__in=[Submission.Status.SCORED, Submission.Status.FAILED])
            .first()
        )
        if submission is None:
            return None
        try:
            score = score_file(exercise=submission.exercise, content=submission.pairs_csv, sample_seed=submission.pk)
        except scoring.PairsFileError as exc:  # cannot happen for a file checked on upload, unless records changed
            submission.status = Submission.Status.FAILED
            submission.failure = str(exc)
            submission.scored_at = timezone.now()
            submission.save(update_fields=["status", "failure", "scored_at"])
            return submission
        submission.tp, submission.fp, submission.fn = score.tp, score.fp, score.fn
        submission.curve = [list(point) for point in score.curve]
        submission.false_positive_sample = [list(pair) for pair in score.false_positives]
        submission.false_negative_sample = [list(pair) for pair in score.false_negatives]
        submission.status = Submission.Status.SCORED
        submission.scored_at = timezone.now()
        submission.save(
            update_fields=[
                "tp",
                "fp",
                "fn",
                "curve",
                "false_positive_sample",
                "false_negative_sample",
                "status",
                "scored_at",
            ]
        )
        return submission


def submissions_sweep(*, older_than_minutes: int = 5) -> int:
    """Hands over again submissions still queued after a while (the broker was down at upload)."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = list(
        Submission.objects.filter(status=Submission.Status.QUEUED, uploaded_at__lt=cutoff).values_list("pk", flat=True)
    )
    for submission_id in ids:
        _enqueue_scoring(submission_id)
    return len(ids)
