"""Feedback results (aggregate, 3 or more), the skills self-assessment and its uplift."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from cohorts.models import Attendance, Cohort, Enrolment, SessionFeedback
from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    GraduationFactory,
    MentorFactory,
    RunningCohortFactory,
    StaffFactory,
    TrainingSessionFactory,
    borough,
)
from trainers import reminders, uplift
from trainers.assessments import assessments_due, stage_window
from trainers.models import SelfAssessment, SkillRating, SkillStatement
from trainers.services import SelfAssessmentRefused, self_assessment_submit, skill_statements_set

pytestmark = pytest.mark.django_db
Stage = SelfAssessment.Stage


def session_with_feedback(answers: int, *, cohort=None, topic="Fuzzy matching"):
    cohort = cohort or RunningCohortFactory()
    ends = timezone.now() - timedelta(days=1)
    session = TrainingSessionFactory(cohort=cohort, starts_at=ends - timedelta(hours=6), ends_at=ends, topic=topic)
    for number in range(answers):
        enrolment = EnrolmentFactory(cohort=cohort)
        AttendanceFactory(session=session, enrolment=enrolment, mark=Attendance.Mark.PRESENT)
        SessionFeedback.objects.create(
            session=session,
            officer=enrolment.officer,
            pace=3,
            clarity=4,
            usefulness=5 - number % 2,
            went_well=f"Comment {number}",
        )
    return session


@pytest.mark.parametrize("role", ["staff", "mentor"])
def test_session_results_hidden_below_three_answers(client, role):
    session = session_with_feedback(2)
    client.force_login(StaffFactory() if role == "staff" else MentorFactory())
    page = client.get(f"/trainers/impact/feedback/sessions/{session.pk}/").content.decode()
    assert "Fewer than 3 officers have answered" in page
    assert "Comment 0" not in page
    assert "4.0" not in page


def test_session_results_shown_at_three_answers_without_names(client):
    session = session_with_feedback(3)
    client.force_login(StaffFactory())
    page = client.get(f"/trainers/impact/feedback/sessions/{session.pk}/").content.decode()
    assert "3 officers answered" in page
    assert page.count("<li>Comment ") == 3
    assert "4.7" in page  # usefulness 5, 4, 5
    for feedback in SessionFeedback.objects.select_related("officer"):
        assert escape(feedback.officer.full_name) not in page
    assert 'role="img"' in page and "ratings-caption" in page  # the chart and its table


def test_officers_cannot_see_feedback_results(client):
    session = session_with_feedback(3)
    client.force_login(session.feedback.first().officer)
    assert client.get(f"/trainers/impact/feedback/sessions/{session.pk}/").status_code == 403


def test_feedback_by_topic_and_cohort_pages_do_not_grow_in_queries(client):
    cohort = RunningCohortFactory()
    session_with_feedback(3, cohort=cohort, topic="Topic A")
    client.force_login(StaffFactory())
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/trainers/impact/feedback/{cohort.slug}/").status_code == 200
        assert client.get("/trainers/impact/feedback/").status_code == 200
    for index in range(4):
        session_with_feedback(3 + index, cohort=cohort, topic=f"Topic {index}")
    with CaptureQueriesContext(connection) as many:
        cohort_page = client.get(f"/trainers/impact/feedback/{cohort.slug}/").content.decode()
        overview = client.get("/trainers/impact/feedback/").content.decode()
    assert len(many) == len(one)
    assert "Topic 3" in overview and cohort_page.count("/trainers/impact/feedback/sessions/") == 5


# --- self-assessment ---


def statements(cohort, *texts):
    return skill_statements_set(cohort=cohort, texts=list(texts))


def test_stage_windows_follow_application_week_12_and_three_months_after_graduating():
    cohort = RunningCohortFactory()
    enrolment = EnrolmentFactory(cohort=cohort)
    before, week_12 = stage_window(enrolment, Stage.BEFORE), stage_window(enrolment, Stage.WEEK_12)
    assert before.closes_on == cohort.start_date + timedelta(days=7)
    assert (week_12.opens_on, week_12.closes_on) == (
        cohort.start_date + timedelta(weeks=11),
        cohort.start_date + timedelta(weeks=11, days=27),
    )
    assert stage_window(enrolment, Stage.THREE_MONTHS) is None  # not graduated
    graduation = GraduationFactory(enrolment=enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.COMPLETED)
    enrolment = Enrolment.objects.select_related("cohort", "graduation").get(pk=enrolment.pk)
    assert stage_window(enrolment, Stage.THREE_MONTHS).opens_on == graduation.graduated_on + timedelta(days=91)


def test_self_assessment_submit_once_per_stage_and_every_statement_rated():
    cohort = RunningCohortFactory(start_date=timezone.localdate() - timedelta(days=2))
    first, second = statements(cohort, "I can write a fuzzy matching rule in Python", "I can use Git")
    enrolment = EnrolmentFactory(cohort=cohort)
    with pytest.raises(SelfAssessmentRefused, match="Rate every statement"):
        self_assessment_submit(enrolment=enrolment, stage=Stage.BEFORE, scores={first.pk: 2})
    self_assessment_submit(enrolment=enrolment, stage=Stage.BEFORE, scores={first.pk: 2, second.pk: 1})
    with pytest.raises(SelfAssessmentRefused, match="already answered"):
        self_assessment_submit(enrolment=enrolment, stage=Stage.BEFORE, scores={first.pk: 5, second.pk: 5})
    with pytest.raises(SelfAssessmentRefused, match="not open"):
        self_assessment_submit(enrolment=enrolment, stage=Stage.WEEK_12, scores={first.pk: 5, second.pk: 5})
    assert sorted(SkillRating.objects.values_list("score", flat=True)) == [1, 2]


def test_rated_statement_cannot_be_removed_but_can_be_reordered():
    cohort = RunningCohortFactory(start_date=timezone.localdate())
    first, second = statements(cohort, "A", "B")
    enrolment = EnrolmentFactory(cohort=cohort)
    self_assessment_submit(enrolment=enrolment, stage=Stage.BEFORE, scores={first.pk: 2, second.pk: 3})
    with pytest.raises(Exception, match="already rated “A”"):
        statements(cohort, "B", "C")
    statements(cohort, "B", "A", "C")
    assert list(SkillStatement.objects.filter(cohort=cohort).values_list("text", flat=True)) == ["B", "A", "C"]


def test_officer_answers_the_questionnaire_from_the_home_page(client):
    cohort = RunningCohortFactory(start_date=timezone.localdate())
    (statement,) = statements(cohort, "I can write a fuzzy matching rule in Python")
    enrolment = EnrolmentFactory(cohort=cohort)
    client.force_login(enrolment.officer)
    url = f"/trainers/skills/{enrolment.pk}/before/"
    assert url in client.get("/").content.decode()
    assert "Rate statement 1 from 1 to 5" in client.post(url, {}).content.decode()
    assert client.post(url, {f"statement_{statement.pk}": "2"}).status_code == 302
    assert SkillRating.objects.get().score == 2
    assert "already answered" in client.get(url).content.decode()
    other = EnrolmentFactory(cohort=cohort).officer
    client.force_login(other)
    assert client.get(url).status_code == 404


def answered(enrolment, stage, scores, statement_list):
    assessment = SelfAssessment.objects.create(enrolment=enrolment, stage=stage, submitted_at=timezone.now())
    for statement, score in zip(statement_list, scores, strict=True):
        SkillRating.objects.create(assessment=assessment, statement=statement, score=score)


def test_uplift_is_the_median_of_each_officers_own_change_with_the_count():
    cohort = RunningCohortFactory(status=Cohort.Status.FINISHED)
    skills = statements(cohort, "Fuzzy", "Git")
    hackney, sutton = borough("Hackney"), borough("Sutton")
    a = EnrolmentFactory(cohort=cohort, officer__organisation=hackney, status=Enrolment.Status.COMPLETED)
    b = EnrolmentFactory(cohort=cohort, officer__organisation=hackney, status=Enrolment.Status.COMPLETED)
    c = EnrolmentFactory(cohort=cohort, officer__organisation=sutton, status=Enrolment.Status.COMPLETED)
    only_before = EnrolmentFactory(cohort=cohort, officer__organisation=sutton, status=Enrolment.Status.COMPLETED)
    for enrolment, before, after in ((a, [1, 1], [3, 3]), (b, [2, 2], [3, 4]), (c, [1, 2], [5, 5])):
        answered(enrolment, Stage.BEFORE, before, skills)
        answered(enrolment, Stage.WEEK_12, after, skills)
    answered(only_before, Stage.BEFORE, [1, 1], skills)
    answered(a, Stage.THREE_MONTHS, [2, 2], skills)
    (row,) = uplift.cohort_uplift()
    # Officers' mean changes: a 2, b 1.5, c 3.5 -> median 2. Per skill: fuzzy 2, 1, 4; git 2, 2, 3.
    assert (row.week_12.responses, row.week_12.median) == (3, 2)
    assert (row.three_months.responses, row.three_months.median) == (1, 1)
    assert [(s.text, s.week_12.median, s.week_12.responses) for s in row.skills] == [("Fuzzy", 2, 3), ("Git", 2, 3)]
    out = io.StringIO()
    call_command("export_impact", stdout=out)
    rows = {r["organisation"]: r for r in csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff")))}
    assert (rows["Hackney"]["self_assessment_officers_week_12"], rows["Hackney"]["median_skill_uplift_week_12"]) == (
        "2",
        "1.75",
    )
    assert rows["Sutton"]["median_skill_uplift_week_12"] == "3.5"
    assert rows["Sutton"]["median_skill_uplift_three_months"] == ""


def test_impact_page_shows_uplift_chart_and_table(client):
    cohort = RunningCohortFactory(status=Cohort.Status.FINISHED, name="Spring cohort")
    skills = statements(cohort, "Fuzzy")
    enrolment = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.COMPLETED)
    answered(enrolment, Stage.BEFORE, [1], skills)
    answered(enrolment, Stage.WEEK_12, [4], skills)
    client.force_login(StaffFactory())
    page = client.get("/trainers/impact/").content.decode()
    assert "Median skills uplift at week 12 by cohort" in page
    assert "uplift-summary-caption" in page and "+3" in page


def test_self_assessment_reminder_when_a_stage_opens_and_gone_once_answered():
    cohort = RunningCohortFactory(start_date=timezone.localdate() + timedelta(days=2))
    (statement,) = statements(cohort, "Fuzzy")
    enrolment = EnrolmentFactory(cohort=cohort)
    specs = list(reminders.self_assessment_reminders(timezone.now()))
    assert [(spec.to_email, spec.dedup_key.split(":")[2]) for spec in specs] == [(enrolment.officer.email, "before")]
    assert f"/trainers/skills/{enrolment.pk}/before/" in specs[0].context["link"]
    self_assessment_submit(enrolment=enrolment, stage=Stage.BEFORE, scores={statement.pk: 3})
    assert list(reminders.self_assessment_reminders(timezone.now())) == []
    assert assessments_due(enrolment.officer) == []
