import pytest

from exercises import services
from exercises.models import Exercise, ExerciseRecord, TruePair
from tests.factories import EnrolmentFactory, RunningCohortFactory, StaffFactory


def hand_exercise(*, cohort=None, slug="hand-made", leaderboard_on=True) -> Exercise:
    """Four residents a side; L1=R1, L2=R2 and L3=R3 are the true pairs (L4 and R4 are nobody's)."""
    staff = StaffFactory()
    exercise = Exercise.objects.create(
        cohort=cohort or RunningCohortFactory(),
        slug=slug,
        title="Hand-made exercise",
        seed=1,
        people=4,
        is_published=True,
        leaderboard_on=leaderboard_on,
        created_by=staff,
    )
    for side, prefix in (("left", "L"), ("right", "R")):
        ExerciseRecord.objects.bulk_create(
            ExerciseRecord(
                exercise=exercise,
                side=side,
                record_id=f"{prefix}{n}",
                first_name=f"First{n}",
                surname=f"Surname{n}",
                address=f"{n} High Street",
                postcode="E1 6AN",
            )
            for n in range(1, 5)
        )
    TruePair.objects.bulk_create(TruePair(exercise=exercise, left_id=f"L{n}", right_id=f"R{n}") for n in range(1, 4))
    return exercise


@pytest.fixture
def exercise(db):
    return hand_exercise()


@pytest.fixture
def officer(exercise):
    return EnrolmentFactory(cohort=exercise.cohort).officer


def generated_exercise(cohort, *, people=40, slug="generated"):
    return services.exercise_create(
        cohort=cohort, title="Generated", slug=slug, difficulty="easy", people=people, seed=7, created_by=StaffFactory()
    )
