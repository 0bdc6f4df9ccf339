"""Exercise results in the Monday digest: the officer's own scores, staff's view of each exercise,
and (registered by mentoring) the mentor's mentees' scores, each in a fixed number of queries."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises import digest_sections, services
from exercises.models import Submission
from mentoring.digests import mentor_mentee_exercises
from notifications.digests import digest_week
from tests.exercises.conftest import hand_exercise
from tests.factories import EnrolmentFactory, MentorAllocationFactory, MentorFactory, StaffFactory

pytestmark = pytest.mark.django_db

WEEK = digest_week(datetime(2026, 6, 15, 7, tzinfo=UTC))  # Monday 15 June 2026
LAST_WEEK = datetime(2026, 6, 10, 12, tzinfo=UTC)
TWO_WEEKS_AGO = datetime(2026, 6, 3, 12, tzinfo=UTC)


def scored(exercise, officer, *, at, text="left_id,right_id\nL1,R1\nL4,R4\n"):
    submission = services.submission_create(
        exercise=exercise, officer=officer, file_name="p.csv", content=text, enqueue=False
    )
    services.submission_score(submission_id=submission.pk)
    Submission.objects.filter(pk=submission.pk).update(uploaded_at=at)
    return submission


def test_digest_sections_report_last_weeks_scores_to_officer_staff_and_mentor():
    assert WEEK.monday == date(2026, 6, 15)
    exercise = hand_exercise()
    asha = EnrolmentFactory(cohort=exercise.cohort).officer
    ben = EnrolmentFactory(cohort=exercise.cohort).officer
    mentor = MentorFactory()
    MentorAllocationFactory(mentor=mentor, officer=asha)
    staff = StaffFactory()
    scored(exercise, asha, at=LAST_WEEK)
    scored(exercise, ben, at=TWO_WEEKS_AGO)

    officer_blocks = digest_sections.officer_exercise_scores([asha, ben], WEEK)
    assert list(officer_blocks) == [asha.pk]
    assert [item.text for item in officer_blocks[asha.pk][0].items] == [
        "Hand-made exercise: F1 40.0% (precision 50.0%, recall 33.3%)"
    ]
    staff_blocks = digest_sections.staff_exercise_activity([staff], WEEK)
    assert [item.text for item in staff_blocks[staff.pk][0].items] == [
        f"{exercise.cohort.name}, Hand-made exercise: 1 submission from 1 officer"
    ]
    mentor_blocks = mentor_mentee_exercises([mentor], WEEK)
    assert [item.text for item in mentor_blocks[mentor.pk][0].items] == [
        f"{asha.full_name}, Hand-made exercise: F1 40.0% (precision 50.0%, recall 33.3%)"
    ]


def test_digest_sections_run_a_fixed_number_of_queries():
    exercise = hand_exercise()
    mentor, staff = MentorFactory(), StaffFactory()
    officers = []

    def add_officer():
        officer = EnrolmentFactory(cohort=exercise.cohort).officer
        MentorAllocationFactory(mentor=mentor, officer=officer)
        scored(exercise, officer, at=LAST_WEEK)
        officers.append(officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(digest_sections.officer_exercise_scores(officers, WEEK)) == len(officers)
            assert digest_sections.staff_exercise_activity([staff], WEEK)
            assert len(mentor_mentee_exercises([mentor], WEEK)[mentor.pk][0].items) == len(officers)
        return len(captured)

    add_officer()
    few = queries()
    for _ in range(5):
        add_officer()
    assert queries() == few
