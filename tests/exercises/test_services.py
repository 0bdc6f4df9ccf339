import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from exercises import services
from exercises.models import Exercise, Submission
from exercises.scoring import PairsFileError
from tests.exercises.conftest import generated_exercise
from tests.factories import EnrolmentFactory, OfficerFactory, RunningCohortFactory

pytestmark = pytest.mark.django_db


def test_exercise_create_stores_both_files_and_the_true_pairs():
    exercise = generated_exercise(RunningCohortFactory(), people=40)
    assert exercise.records.filter(side="left").count() == 40
    assert exercise.records.filter(side="right").count() == 40
    assert exercise.true_pairs.count() == 28  # 70% of residents are in both files when easy


def test_exercise_create_is_for_staff_only():
    with pytest.raises(PermissionDenied):
        services.exercise_create(
            cohort=RunningCohortFactory(),
            title="x",
            slug="x",
            difficulty="easy",
            people=20,
            seed=1,
            created_by=OfficerFactory(),
        )
    assert Exercise.objects.count() == 0


def test_submission_is_scored_once_and_as_the_command_scores_the_same_file(exercise, officer, tmp_path, capsys):
    text = "left_id,right_id\nL1,R1\nR3,L3\nL4,R4\n"
    submission = services.submission_create(
        exercise=exercise, officer=officer, file_name="p.csv", content=text, enqueue=False
    )
    services.submission_score(submission_id=submission.pk)
    assert services.submission_score(submission_id=submission.pk) is None  # already scored: left alone
    submission.refresh_from_db()
    (tmp_path / "p.csv").write_text(text)
    call_command("score_pairs", exercise.slug, str(tmp_path / "p.csv"))
    printed = json.loads(capsys.readouterr().out)
    assert (submission.tp, submission.fp, submission.fn) == (printed["tp"], printed["fp"], printed["fn"]) == (2, 1, 1)
    assert (submission.officer, submission.swapped_rows, submission.scored_at is not None) == (officer, 1, True)


def test_submission_create_refuses_officers_outside_the_cohort_and_bad_files(exercise, officer):
    with pytest.raises(PermissionDenied):
        services.submission_create(exercise=exercise, officer=OfficerFactory(), file_name="p.csv", content="")
    with pytest.raises(PairsFileError):
        services.submission_create(exercise=exercise, officer=officer, file_name="p.csv", content="left_id\nL1\n")
    assert Submission.objects.count() == 0


def test_unpublished_exercise_takes_no_submissions(officer):
    draft = generated_exercise(officer.enrolments.get().cohort, slug="draft")
    assert services.may_submit(exercise=draft, officer=officer) is False
    assert services.may_submit(exercise=draft, officer=EnrolmentFactory(cohort=draft.cohort).officer) is False
