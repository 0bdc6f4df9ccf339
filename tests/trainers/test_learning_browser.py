"""Issue 17 in a browser (one browser for the module, axe with WCAG 2.2 AA tags, no violations)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Attendance, Cohort, Enrolment, SessionFeedback
from mentoring.models import MentorAllocation
from projects.models import Project
from tests.conftest import assert_accessible, sign_in
from tests.factories import (
    PASSWORD,
    AttendanceFactory,
    EnrolmentFactory,
    MentorProfileFactory,
    RunningCohortFactory,
    StaffFactory,
    TrainingSessionFactory,
)
from trainers.models import SelfAssessment, SkillRating
from trainers.services import skill_statements_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def held_session(cohort, *, attended):
    ends = timezone.now() - timedelta(days=1)
    session = TrainingSessionFactory(
        cohort=cohort, starts_at=ends - timedelta(hours=6), ends_at=ends, topic="Fuzzy matching"
    )
    for officer in attended:
        AttendanceFactory(session=session, enrolment=officer.enrolments.get(), mark=Attendance.Mark.PRESENT)
    return session


def test_officer_answers_feedback_once_and_staff_see_results_from_three_answers(page):
    cohort = RunningCohortFactory()
    officers = [EnrolmentFactory(cohort=cohort).officer for _ in range(3)]
    session = held_session(cohort, attended=officers)
    for other in officers[1:2]:
        SessionFeedback.objects.create(session=session, officer=other, pace=4, clarity=4, usefulness=5)

    sign_in(page, officers[0].email, PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Give feedback on week").click()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page, "learning-feedback-errors")
    page.locator("#id_pace_4").check()
    page.locator("#id_clarity_5").check()
    page.locator("#id_usefulness_3").check()
    page.get_by_label("What would you change about this session? (optional)").fill("More exercises")
    page.get_by_role("button", name="Send feedback").click()
    page.wait_for_url("**/")
    expect(page.get_by_text("Your feedback on week")).to_be_visible()
    page.goto(f"/cohorts/feedback/{session.pk}/")
    expect(page.get_by_text("You have already given feedback on this session")).to_be_visible()
    assert_accessible(page, "learning-feedback-refused")
    assert SessionFeedback.objects.filter(session=session).count() == 2

    staff = StaffFactory()
    page.context.clear_cookies()
    sign_in(page, staff.email, PASSWORD)
    page.goto(f"/trainers/impact/feedback/sessions/{session.pk}/")
    expect(page.get_by_text("Fewer than 3 officers have answered")).to_be_visible()
    assert_accessible(page, "learning-feedback-hidden")
    SessionFeedback.objects.create(session=session, officer=officers[2], pace=3, clarity=4, usefulness=4)
    page.reload()
    expect(page.get_by_text("3 officers answered")).to_be_visible()
    expect(page.get_by_role("img", name="Mean ratings for this session")).to_be_visible()
    expect(page.get_by_role("table", name="Ratings")).to_be_visible()
    expect(page.get_by_text("More exercises")).to_be_visible()
    assert_accessible(page, "learning-feedback-results")
    page.goto("/trainers/impact/feedback/")
    assert_accessible(page, "learning-feedback-topics")
    page.goto(f"/trainers/impact/feedback/{cohort.slug}/")
    assert_accessible(page, "learning-feedback-cohort")


def test_uplift_chart_and_table_on_the_impact_page(page):
    cohort = RunningCohortFactory(status=Cohort.Status.FINISHED, name="Spring cohort")
    (statement,) = skill_statements_set(cohort=cohort, texts=["I can write a fuzzy matching rule in Python"])
    for before, after in ((1, 3), (2, 4), (1, 4)):
        enrolment = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.COMPLETED)
        for stage, score in ((SelfAssessment.Stage.BEFORE, before), (SelfAssessment.Stage.WEEK_12, after)):
            assessment = SelfAssessment.objects.create(enrolment=enrolment, stage=stage, submitted_at=timezone.now())
            SkillRating.objects.create(assessment=assessment, statement=statement, score=score)
    staff = StaffFactory()
    sign_in(page, staff.email, PASSWORD)
    page.goto("/trainers/impact/")
    expect(page.get_by_role("img", name="Median skills uplift at week 12 by cohort")).to_be_visible()
    table = page.get_by_role("table", name="Skills uplift by cohort")
    expect(table.get_by_role("row", name="Spring cohort +2 3 — 0")).to_be_visible()
    assert_accessible(page, "learning-impact-uplift")
    page.goto("/trainers/impact/skills/")
    assert_accessible(page, "learning-impact-skills")
    page.goto(f"/trainers/cohorts/{cohort.slug}/skills/")
    assert_accessible(page, "learning-skill-statements")


def test_officer_answers_the_skills_questionnaire(page):
    cohort = RunningCohortFactory(start_date=timezone.localdate())
    skill_statements_set(cohort=cohort, texts=["I can write a fuzzy matching rule in Python", "I can use Git"])
    officer = EnrolmentFactory(cohort=cohort).officer
    sign_in(page, officer.email, PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name=f"{cohort.name}: before the bootcamp").click()
    page.get_by_role("button", name="Send answers").click()
    expect(page.get_by_role("link", name="Rate statement 2 from 1 to 5")).to_be_visible()
    assert_accessible(page, "learning-self-assessment-errors")
    page.locator("fieldset").nth(0).get_by_label("2").check()
    page.locator("fieldset").nth(1).get_by_label("1").check()
    page.get_by_role("button", name="Send answers").click()
    page.wait_for_url("**/")
    assert sorted(SkillRating.objects.values_list("score", flat=True)) == [1, 2]


def test_staff_allocate_mentors_for_a_cohort_in_one_form(page):
    cohort = RunningCohortFactory()
    officers = [EnrolmentFactory(cohort=cohort).officer for _ in range(3)]
    mentors = [MentorProfileFactory().mentor for _ in range(2)]
    staff = StaffFactory()
    sign_in(page, staff.email, PASSWORD)
    page.goto("/mentoring/allocations/")
    for officer, mentor in zip(officers, [mentors[0], mentors[1], mentors[0]], strict=True):
        page.get_by_label(f"Lead mentor for {officer.full_name}").select_option(label=mentor.full_name)
    page.get_by_role("button", name="Save lead mentors").click()
    expect(page.get_by_text("3 changes")).to_be_visible()
    expect(page.get_by_text(f"{officers[1].full_name}: no lead mentor to {mentors[1].full_name}")).to_be_visible()
    assert_accessible(page, "learning-allocations-saved")
    assert dict(MentorAllocation.objects.values_list("officer", "mentor")) == {
        officers[0].pk: mentors[0].pk,
        officers[1].pk: mentors[1].pk,
        officers[2].pk: mentors[0].pk,
    }


def test_suggest_allocations_on_the_pilot_proposes_every_project_and_confirming_saves(page):
    call_command("seed_demo", verbosity=0)
    Project.objects.filter(cohort__slug="pilot").update(lead_mentor=None)
    MentorAllocation.objects.all().delete()
    sign_in(page, "staff@example.org")
    page.goto("/mentoring/allocations/?cohort=pilot")
    page.get_by_role("button", name="Suggest allocations").click()
    expect(page.get_by_role("heading", name="Suggested allocations")).to_be_visible()
    table = page.get_by_role("table", name="A lead mentor for each project")
    projects = list(Project.objects.filter(cohort__slug="pilot").order_by("title"))
    expect(table.locator("tbody tr")).to_have_count(len(projects))
    for index in range(len(projects)):
        assert page.locator(f"#id_project-{index}-choice").input_value() != ""
    expect(table.get_by_text("Has time on").first).to_be_visible()
    assert_accessible(page, "learning-allocations-proposal")
    assert Project.objects.filter(cohort__slug="pilot", lead_mentor__isnull=False).count() == 0
    page.get_by_role("button", name="Confirm allocations").click()
    page.wait_for_url("**/mentoring/allocations/?cohort=pilot")
    expect(page.get_by_text("Allocations confirmed for Pilot cohort")).to_be_visible()
    assert Project.objects.filter(cohort__slug="pilot", lead_mentor__isnull=True).count() == 0
    officers_on_projects = Project.officers.through.objects.filter(project__cohort__slug="pilot").count()
    assert MentorAllocation.objects.count() == officers_on_projects
    assert_accessible(page, "learning-allocations-confirmed")
