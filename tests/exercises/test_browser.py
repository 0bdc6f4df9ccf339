"""An officer downloads an exercise, uploads pairs, waits on the progress page while a real Celery
worker scores them, and reads the result; a bad file shows row errors."""

import pytest
from playwright.sync_api import expect

from exercises.models import Submission
from tests.conftest import assert_accessible, sign_in
from tests.exercises.conftest import hand_exercise
from tests.factories import PASSWORD, EnrolmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_officer_uploads_pairs_and_sees_the_score_from_a_real_worker(page, celery_worker, tmp_path):
    exercise = hand_exercise(slug="browser-practice")
    officer = EnrolmentFactory(cohort=exercise.cohort).officer
    sign_in(page, officer.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/exercises/")
    assert_accessible(page, "exercises-list")
    page.get_by_role("link", name="Hand-made exercise").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the left file (CSV)").click()
    assert download.value.suggested_filename == "browser-practice-left.csv"
    assert_accessible(page, "exercises-detail")

    bad = tmp_path / "bad.csv"
    bad.write_text("left_id,right_id\nL1,R1\nL1,R1\nL9,R2\n")
    page.get_by_label("Your matched pairs (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and score").click()
    expect(page.get_by_text("Row 3: repeats the pair on row 2")).to_be_visible()
    expect(page.get_by_text("Row 4: left_id L9 is not in the left file")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page, "exercises-row-errors")
    assert Submission.objects.count() == 0

    good = tmp_path / "pairs.csv"
    good.write_text("left_id,right_id,score\nL1,R1,0.9\nR2,L2,0.8\nL4,R4,0.95\n")
    page.get_by_label("Your matched pairs (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Upload and score").click()
    page.wait_for_url("**/exercises/submissions/**")
    # The progress page polls its JSON status and reloads itself once the worker has scored the file.
    expect(page.get_by_role("heading", name="Your score")).to_be_visible(timeout=20_000)
    submission = Submission.objects.get()
    assert (submission.status, submission.tp, submission.fp, submission.fn) == ("scored", 2, 1, 1)
    expect(page.get_by_role("heading", name="F1 66.7%")).to_be_visible()
    expect(page.get_by_role("img", name="Precision against recall as the threshold falls")).to_be_visible()
    expect(page.get_by_text("First4 Surname4").first).to_be_visible()
    assert_accessible(page, "exercises-result")


def test_progress_page_is_accessible_while_waiting(page):
    exercise = hand_exercise(slug="waiting")
    officer = EnrolmentFactory(cohort=exercise.cohort).officer
    from exercises import services

    submission = services.submission_create(
        exercise=exercise, officer=officer, file_name="pairs.csv", content="left_id,right_id\nL1,R1\n", enqueue=False
    )
    sign_in(page, officer.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/exercises/submissions/{submission.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Waiting to be scored")
    assert_accessible(page, "exercises-progress")


def test_staff_create_and_publish_an_exercise_and_mentors_see_mentees_results(page):
    from django.core.management import call_command

    from exercises.models import Exercise

    call_command("seed_demo", verbosity=0)
    sign_in(page, "staff@example.org")
    page.wait_for_url("**/")
    page.goto("/exercises/")
    expect(page.get_by_role("link", name="Practice 2: heavy corruption")).to_be_visible()
    page.get_by_role("link", name="Create an exercise").click()
    page.get_by_role("button", name="Create exercise").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "exercises-create-errors")
    page.get_by_label("Cohort").select_option(label="Pilot cohort")
    page.get_by_label("Title").fill("Practice 3: a quick one")
    page.get_by_label("Short name for addresses").fill("pilot-practice-3")
    page.get_by_label("Hard").check()
    page.get_by_label("Residents in the left file").fill("60")
    page.get_by_label("Generator seed").fill("3")
    page.get_by_role("button", name="Create exercise").click()
    expect(page.get_by_text("Draft: officers cannot see this exercise yet.")).to_be_visible()
    page.get_by_role("button", name="Publish to the cohort").click()
    expect(page.get_by_text("is published")).to_be_visible()
    exercise = Exercise.objects.get(slug="pilot-practice-3")
    assert (exercise.is_published, exercise.published_by.email, exercise.records.count()) == (
        True,
        "staff@example.org",
        120,
    )
    page.goto("/exercises/pilot-practice-1/")
    expect(page.get_by_role("table", name="Every submission")).to_be_visible()
    assert_accessible(page, "exercises-staff-detail")
    page.get_by_role("button", name="Hide the leaderboard").click()
    expect(page.get_by_text("The leaderboard is now hidden.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "mentor@example.org")
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="My mentees’ practice exercises")).to_be_visible()
    assert_accessible(page, "exercises-mentor-home")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "officer@example.org")
    page.wait_for_url("**/")
    page.get_by_role("link", name="Households at risk of homelessness").click()
    expect(page.get_by_role("heading", name="Practice exercises")).to_be_visible()
    expect(page.get_by_role("table", name="Practice exercise submissions, newest first")).to_be_visible()
    assert_accessible(page, "exercises-project-panel")
    page.goto("/exercises/pilot-practice-1/")
    expect(page.get_by_text("Cohort leaderboard")).to_have_count(0)
