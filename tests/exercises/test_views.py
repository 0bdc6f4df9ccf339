import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from exercises import services
from exercises.models import Submission
from tests.exercises.conftest import hand_exercise
from tests.factories import EnrolmentFactory, MentorAllocationFactory, MentorFactory, OfficerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def scored(exercise, officer, text="left_id,right_id\nL1,R1\n"):
    submission = services.submission_create(
        exercise=exercise, officer=officer, file_name="pairs.csv", content=text, enqueue=False
    )
    return services.submission_score(submission_id=submission.pk)


def upload(client, exercise, text: bytes):
    return client.post(
        reverse("exercises:exercise_upload", args=[exercise.slug]),
        {"file": SimpleUploadedFile("pairs.csv", text, content_type="text/csv")},
    )


def test_upload_stores_the_pairs_and_shows_the_progress_page(client, exercise, officer):
    client.force_login(officer)
    response = upload(client, exercise, b"left_id,right_id\nL1,R1\nL4,R4\n")
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exercises:submission_detail", args=[submission.pk])
    assert (submission.officer, submission.pair_count, submission.status) == (officer, 2, "queued")
    page = client.get(response["Location"])
    assert "Scoring your pairs" in page.content.decode()
    status = client.get(reverse("exercises:submission_status", args=[submission.pk])).json()
    assert status == {"status": "queued", "done": False, "label": "Waiting to be scored"}


def test_upload_of_a_bad_file_shows_row_errors_and_saves_nothing(client, exercise, officer):
    client.force_login(officer)
    response = upload(client, exercise, b"left_id,right_id\nL1,R1\nL1,R1\nL7,R2\n")
    text = response.content.decode()
    assert response.status_code == 400
    assert "Row 3: repeats the pair on row 2" in text
    assert "Row 4: left_id L7 is not in the left file" in text
    assert Submission.objects.count() == 0


def test_scored_submission_page_shows_counts_and_the_mistakes_side_by_side(client, exercise, officer):
    submission = scored(exercise, officer, "left_id,right_id,score\nL1,R1,0.9\nL4,R4,0.7\n")
    client.force_login(officer)
    text = client.get(reverse("exercises:submission_detail", args=[submission.pk])).content.decode()
    assert (submission.tp, submission.fp, submission.fn) == (1, 1, 2)
    assert "Precision and recall by threshold" in text
    assert "First4 Surname4" in text  # the false positive's records
    assert "First2 Surname2" in text  # a missed true pair


def test_officer_cannot_see_another_officers_submission(client, exercise, officer):
    other = EnrolmentFactory(cohort=exercise.cohort).officer
    submission = scored(exercise, other)
    client.force_login(officer)
    assert client.get(reverse("exercises:submission_detail", args=[submission.pk])).status_code == 404
    assert client.get(reverse("exercises:submission_status", args=[submission.pk])).status_code == 404
    page = client.get(reverse("exercises:exercise_detail", args=[exercise.slug])).content.decode()
    assert escape(other.full_name) in page  # on the leaderboard (as the page writes it: O&#x27;Neill)
    assert reverse("exercises:submission_detail", args=[submission.pk]) not in page


def test_leaderboard_switched_off_shows_no_other_officer(client, officer):
    exercise = hand_exercise(slug="no-board", leaderboard_on=False, cohort=officer.enrolments.get().cohort)
    other = EnrolmentFactory(cohort=exercise.cohort).officer
    scored(exercise, other)
    client.force_login(officer)
    page = client.get(reverse("exercises:exercise_detail", args=[exercise.slug])).content.decode()
    assert escape(other.full_name) not in page
    assert "Cohort leaderboard" not in page


def test_staff_switch_the_leaderboard_off_and_who_did_it_is_recorded(client, exercise):
    staff = StaffFactory()
    client.force_login(staff)
    client.post(reverse("exercises:exercise_leaderboard", args=[exercise.slug]), {"leaderboard": "off"})
    exercise.refresh_from_db()
    assert (exercise.leaderboard_on, exercise.leaderboard_changed_by) == (False, staff)


def test_officer_outside_the_cohort_cannot_see_the_exercise_or_upload(client, exercise):
    client.force_login(OfficerFactory())
    assert client.get(reverse("exercises:exercise_detail", args=[exercise.slug])).status_code == 404
    assert upload(client, exercise, b"left_id,right_id\n").status_code == 404


def test_mentor_sees_their_mentees_submission_but_not_others(client, exercise, officer):
    mentor = MentorFactory()
    MentorAllocationFactory(mentor=mentor, officer=officer)
    mine = scored(exercise, officer)
    others = scored(exercise, EnrolmentFactory(cohort=exercise.cohort).officer)
    client.force_login(mentor)
    assert client.get(reverse("exercises:submission_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("exercises:submission_detail", args=[others.pk])).status_code == 404
    home = client.get(reverse("home")).content.decode()
    assert "My mentees’ practice exercises" in home
    assert escape(officer.full_name) in home


def test_exercise_file_download_is_the_synthetic_records(client, exercise, officer):
    client.force_login(officer)
    response = client.get(reverse("exercises:exercise_file", args=[exercise.slug, "right"]))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "record_id,first_name,surname,date_of_birth,address,postcode"
    assert lines[1] == "R1,First1,Surname1,,1 High Street,E1 6AN"
    assert len(lines) == 5


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_exercise_pages_query_count_does_not_grow_with_rows(client, exercise, officer):
    staff = StaffFactory()
    scored(exercise, officer)
    client.force_login(staff)
    detail = reverse("exercises:exercise_detail", args=[exercise.slug])
    listing = reverse("exercises:exercise_list")
    few = (_queries(client, detail), _queries(client, listing))
    for n in range(6):
        scored(exercise, EnrolmentFactory(cohort=exercise.cohort).officer)
        hand_exercise(slug=f"more-{n}", cohort=exercise.cohort)
    assert (_queries(client, detail), _queries(client, listing)) == few
    client.force_login(officer)
    few = _queries(client, listing)
    scored(exercise, officer)
    assert _queries(client, listing) == few


def test_project_page_shows_only_the_viewers_own_exercise_history(client, exercise, officer):
    from tests.factories import ProjectFactory

    partner = EnrolmentFactory(cohort=exercise.cohort).officer
    project = ProjectFactory(cohort=exercise.cohort, officers=[officer, partner])
    mine, theirs = scored(exercise, officer), scored(exercise, partner)
    client.force_login(officer)
    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert reverse("exercises:submission_detail", args=[mine.pk]) in page
    assert reverse("exercises:submission_detail", args=[theirs.pk]) not in page
