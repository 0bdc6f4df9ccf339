"""Demo practice exercises for the pilot cohort: an easy one and a hard one, with submissions from
several officers at different quality levels, scored for real by services.submission_score.
Safe to run again: an exercise that exists is left alone."""

import random
from datetime import timedelta

from django.utils import timezone

from cohorts.models import Cohort

from . import services
from .models import Exercise, ExerciseRecord, Submission

EXERCISES = [
    (
        "pilot-practice-1",
        "Practice 1: housing register and council tax",
        Exercise.Difficulty.EASY,
        400,
        20261,
        "Two lists of residents that mostly agree. A few typing errors and one or two moves.",
    ),
    (
        "pilot-practice-2",
        "Practice 2: heavy corruption",
        Exercise.Difficulty.HARD,
        500,
        20262,
        "Nearly every shared resident is recorded differently: nicknames, names the other way round, moves, "
        "postcode errors and missing dates of birth.",
    ),
]

# (officer index, exercise slug, share of true pairs found, false pairs per true pair found, with scores, days ago)
SUBMISSIONS = [
    (0, "pilot-practice-1", 0.80, 0.10, False, 9),
    (0, "pilot-practice-1", 0.95, 0.05, True, 2),
    (1, "pilot-practice-1", 0.70, 0.30, True, 5),
    (2, "pilot-practice-1", 0.98, 0.02, True, 3),
    (3, "pilot-practice-1", 0.55, 0.50, False, 4),
    (1, "pilot-practice-2", 0.50, 0.40, True, 3),
    (2, "pilot-practice-2", 0.75, 0.15, True, 1),
    (4, "pilot-practice-2", 0.35, 0.60, False, 2),
]


def pairs_file(exercise: Exercise, *, found: float, noise: float, scored: bool, seed: int) -> str:
    """A believable officer's output: some of the true pairs, some wrong ones, scores that mostly
    (not always) rank the true above the wrong."""
    rng = random.Random(seed)
    truth = list(exercise.true_pairs.order_by("left_id", "right_id").values_list("left_id", "right_id"))
    left = list(exercise.records.filter(side=ExerciseRecord.Side.LEFT).values_list("record_id", flat=True))
    right = list(exercise.records.filter(side=ExerciseRecord.Side.RIGHT).values_list("record_id", flat=True))
    chosen = {pair: rng.uniform(0.55, 1.0) for pair in rng.sample(truth, round(len(truth) * found))}
    true_set = set(truth)
    for _ in range(round(len(chosen) * noise)):
        pair = (rng.choice(left), rng.choice(right))
        if pair not in true_set:
            chosen[pair] = rng.uniform(0.3, 0.85)
    lines = ["left_id,right_id,score" if scored else "left_id,right_id"]
    for (left_id, right_id), score in sorted(chosen.items()):
        lines.append(f"{left_id},{right_id},{score:.3f}" if scored else f"{left_id},{right_id}")
    return "\n".join(lines) + "\n"


def seed(people: dict, pilot: Cohort) -> dict[str, Exercise]:
    staff = people["staff"][0]
    officers = people["officers"]
    exercises = {}
    created = set()
    for slug, title, difficulty, size, generator_seed, instructions in EXERCISES:
        exercise = Exercise.objects.filter(slug=slug).first()
        if exercise is None:
            exercise = services.exercise_create(
                cohort=pilot,
                title=title,
                slug=slug,
                difficulty=difficulty,
                people=size,
                seed=generator_seed,
                instructions=instructions,
                created_by=staff,
            )
            services.exercise_publish(exercise=exercise, actor=staff)
            created.add(slug)
        exercises[slug] = exercise
    now = timezone.now()
    for n, (officer_index, slug, found, noise, scored, days_ago) in enumerate(SUBMISSIONS):
        if slug not in created or officer_index >= len(officers):
            continue
        exercise = exercises[slug]
        submission = services.submission_create(
            exercise=exercise,
            officer=officers[officer_index],
            file_name=f"{slug}-pairs.csv",
            content=pairs_file(exercise, found=found, noise=noise, scored=scored, seed=n),
            enqueue=False,
        )
        services.submission_score(submission_id=submission.pk)
        Submission.objects.filter(pk=submission.pk).update(
            uploaded_at=now - timedelta(days=days_ago), scored_at=now - timedelta(days=days_ago)
        )
    return exercises
