from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cohorts.models import Cohort
from cohorts.services import schedule_generate, session_update
from notifications.models import Message
from projects import services, weeks
from projects.models import Dataset, LogComment, Milestone, MilestoneTemplate, ProgressLog
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    LinkageRunFactory,
    MentorFactory,
    OfficerFactory,
    ProgressLogFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

PLAN = [
    "Scope agreed",
    "Data access approved",
    "Data profiled and cleaned",
    "Blocking and comparison designed",
    "Linkage run",
    "Match quality evaluated on a clerical sample",
    "Findings presented at the showcase",
]


def log_fields(**overrides):
    fields = {
        "what_i_did": "Cleaned addresses",
        "whats_next": "Blocking",
        "blockers": "",
        "rag_status": "green",
        "hours": Decimal("5.5"),
    }
    return {**fields, **overrides}


def test_project_create_copies_the_seeded_plan_with_due_dates_from_the_schedule():
    cohort = CohortFactory(start_date=date(2026, 3, 3), training_weekday=Cohort.Weekday.TUESDAY, weeks=12)
    schedule_generate(cohort=cohort)  # week 6 (Tuesday 7 April) is after Easter Monday: unmoved
    officer = EnrolmentFactory(cohort=cohort).officer
    project = services.project_create(cohort=cohort, title="Housing", problem_statement="Risk", officers=[officer])
    milestones = list(project.milestones.all())
    assert [m.title for m in milestones] == PLAN
    assert [(m.due_week, m.due_on) for m in milestones[:2]] == [(2, date(2026, 3, 10)), (3, date(2026, 3, 17))]
    assert [m.needs_ig_approval for m in milestones] == [False, True, False, False, False, False, False]
    assert sorted(project.ig_checks.values_list("kind", "status")) == [
        ("data_sharing", "not_started"),
        ("dpia", "not_started"),
        ("ethics", "not_started"),
    ]


def test_project_create_refuses_an_officer_not_selected_on_the_cohort():
    cohort = CohortFactory()
    on_cohort = EnrolmentFactory(cohort=cohort).officer
    elsewhere = EnrolmentFactory().officer
    with pytest.raises(ValidationError) as error:
        services.project_create(cohort=cohort, title="T", problem_statement="P", officers=[on_cohort, elsewhere])
    assert error.value.message_dict == {"officers": [f"{elsewhere.full_name} is not selected on {cohort.name}"]}
    assert cohort.projects.count() == 0


def test_project_update_refuses_another_officer():
    project = ProjectFactory()
    outsider = EnrolmentFactory(cohort=project.cohort).officer
    with pytest.raises(PermissionDenied):
        services.project_update(
            project=project, actor=outsider, title="Hijacked", problem_statement="x", matching_approach="", tools=""
        )
    project.refresh_from_db()
    assert project.title != "Hijacked"


def test_dataset_delete_refuses_an_officer_on_another_project():
    project = ProjectFactory()
    dataset = Dataset.objects.create(
        project=project, name="Register", owning_service="Housing", holds_personal_data=True, approximate_records=1
    )
    with pytest.raises(PermissionDenied):
        services.dataset_delete(dataset=dataset, actor=ProjectFactory().officers.get())
    services.dataset_delete(dataset=dataset, actor=project.officers.get())
    assert project.datasets.count() == 0


def test_milestone_plan_customise_leaves_the_default_plan_alone():
    project = ProjectFactory()
    services.milestone_template_save(cohort=project.cohort, title="Extra review", due_week=11, needs_ig_approval=False)
    assert [t.title for t in services.milestone_plan_for(project.cohort)] == [*PLAN, "Extra review"]
    assert MilestoneTemplate.objects.filter(cohort=None).count() == 7


def test_milestone_plan_change_reaches_existing_projects_and_keeps_their_progress():
    project = ProjectFactory()
    scope = project.milestones.get(title="Scope agreed")
    services.milestone_mark_done(milestone=scope, officer=project.officers.get(), note="Agreed with the service")
    template = MilestoneTemplate.objects.get(cohort=None, title="Scope agreed")
    services.milestone_template_save(
        cohort=project.cohort, template=template, title="Scope agreed", due_week=3, needs_ig_approval=False
    )
    services.milestone_template_save(cohort=project.cohort, title="Extra review", due_week=11, needs_ig_approval=False)
    scope.refresh_from_db()
    assert (scope.due_week, scope.due_on, scope.state) == (3, weeks.week_training_day(project.cohort, 3), "done")
    assert [m.title for m in project.milestones.all()] == [*PLAN, "Extra review"]
    assert project.milestones.get(title="Extra review").state == "not_started"


def test_milestones_reschedule_follows_a_moved_training_session():
    cohort = CohortFactory(start_date=date(2026, 3, 3), training_weekday=Cohort.Weekday.TUESDAY, weeks=12)
    officer = EnrolmentFactory(cohort=cohort).officer
    project = services.project_create(cohort=cohort, title="Housing", problem_statement="Risk", officers=[officer])
    session = schedule_generate(cohort=cohort)[1]  # week 2, after the project was set up
    session_update(session=session, day=date(2026, 3, 12), starts=time(10), ends=time(16), topic="Moved")
    assert services.milestones_reschedule(cohort=cohort) == 1
    assert project.milestones.get(due_week=2).due_on == date(2026, 3, 12)
    assert project.milestones.get(due_week=3).due_on == date(2026, 3, 17)


def test_milestone_review_by_lead_mentor_signs_off_and_sends_back():
    project = ProjectFactory()
    officer = project.officers.get()
    scope, profiled = project.milestones.filter(title__in=["Scope agreed", "Data profiled and cleaned"])
    for milestone in (scope, profiled):
        services.milestone_mark_done(milestone=milestone, officer=officer, evidence_url="https://example.org/doc")
    services.milestone_review(milestone=scope, reviewer=project.lead_mentor, sign_off=True)
    services.milestone_review(milestone=profiled, reviewer=project.lead_mentor, sign_off=False, review_note="Redo")
    assert (scope.state, profiled.state) == (Milestone.State.SIGNED_OFF, Milestone.State.SENT_BACK)
    with pytest.raises(PermissionDenied):
        services.milestone_review(milestone=scope, reviewer=MentorFactory(), sign_off=True)


def test_progress_log_create_refuses_a_future_week_and_a_second_log():
    project = ProjectFactory()  # the cohort is in week 4
    officer = project.officers.get()
    with pytest.raises(ValidationError) as error:
        services.progress_log_create(project=project, officer=officer, week_number=5, **log_fields())
    assert error.value.message_dict == {"week_number": ["You cannot write a log for a week that has not started yet"]}
    services.progress_log_create(project=project, officer=officer, week_number=4, **log_fields())
    with pytest.raises(services.LogWeekTaken):
        services.progress_log_create(project=project, officer=officer, week_number=4, **log_fields(hours=1))
    assert list(ProgressLog.objects.values_list("week_number", "hours")) == [(4, Decimal("5.5"))]


def test_progress_log_create_refuses_an_officer_off_the_project():
    project = ProjectFactory()
    with pytest.raises(PermissionDenied):
        services.progress_log_create(project=project, officer=OfficerFactory(), week_number=1, **log_fields())
    assert ProgressLog.objects.count() == 0


def test_progress_log_is_editable_until_the_week_ends_across_the_spring_clock_change():
    # Week 1 runs Monday 23 March to Sunday 29 March 2026; the clocks go forward that Sunday at 01:00 GMT.
    cohort = CohortFactory(start_date=date(2026, 3, 23), training_weekday=Cohort.Weekday.MONDAY)
    assert weeks.week_ends_at(cohort, 1) == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)  # midnight BST
    officer = EnrolmentFactory(cohort=cohort).officer
    project = ProjectFactory(cohort=cohort, officers=[officer])
    with time_machine.travel(datetime(2026, 3, 29, 22, 30, tzinfo=UTC), tick=False):  # 23:30 Sunday in London
        log = services.progress_log_create(project=project, officer=officer, week_number=1, **log_fields())
        services.progress_log_update(log=log, officer=officer, **log_fields(rag_status="amber"))
    with time_machine.travel(datetime(2026, 3, 29, 23, 30, tzinfo=UTC), tick=False):  # 00:30 Monday in London
        assert weeks.current_week(cohort) == 2
        with pytest.raises(ValidationError, match="has ended"):
            services.progress_log_update(log=log, officer=officer, **log_fields(rag_status="red"))
    assert ProgressLog.objects.get().rag_status == "amber"


def test_week_boundary_follows_london_midnight_at_the_autumn_clock_change():
    # Sunday 25 October 2026 the clocks go back: midnight London is 00:00 GMT on Monday 26 October.
    cohort = CohortFactory(start_date=date(2026, 10, 19), training_weekday=Cohort.Weekday.MONDAY)
    assert weeks.week_ends_at(cohort, 1) == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
    assert weeks.current_week(cohort, datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == 1
    assert weeks.current_week(cohort, datetime(2026, 10, 26, 0, 0, tzinfo=UTC)) == 2


def test_log_comment_create_by_lead_mentor_emails_the_officer():
    log = ProgressLogFactory()
    comment = services.log_comment_create(log=log, author=log.project.lead_mentor, body="Try blocking on postcode")
    message = Message.objects.get(kind="log_comment")
    assert (message.to_email, comment.log) == (log.officer.email, log)
    assert f"/projects/{log.project.pk}/logs/{log.pk}/" in message.body_text


def test_log_comment_create_refuses_another_mentor_and_a_teammate():
    log = ProgressLogFactory()
    teammate = EnrolmentFactory(cohort=log.project.cohort).officer
    log.project.officers.add(teammate)
    for author in (MentorFactory(), teammate):
        with pytest.raises(PermissionDenied):
            services.log_comment_create(log=log, author=author, body="Hello")
    assert LogComment.objects.count() == 0


def test_log_comment_create_lets_the_logs_officer_reply_and_emails_the_lead_mentor():
    log = ProgressLogFactory()
    services.log_comment_create(log=log, author=log.project.lead_mentor, body="Try blocking on postcode")
    reply = services.log_comment_create(log=log, author=log.officer, body="Postcode is missing for 20%")
    assert list(log.comments.values_list("author", "body")) == [
        (log.project.lead_mentor.pk, "Try blocking on postcode"),
        (log.officer.pk, "Postcode is missing for 20%"),
    ]
    message = Message.objects.get(kind="log_reply")
    assert (message.to_email, message.dedup_key) == (
        log.project.lead_mentor.email,
        f"log_reply:{reply.pk}:{log.project.lead_mentor.pk}",
    )
    assert "Postcode is missing for 20%" in message.body_text


def test_case_study_save_publishes_and_unpublishes():
    project = ProjectFactory()
    officer = project.officers.get()
    fields = {"summary": "S", "what_was_linked": "W", "results": "R", "lessons": "L"}
    study = services.case_study_save(project=project, actor=officer, publish=True, **fields)
    assert study.is_published
    study = services.case_study_save(project=project, actor=officer, publish=False, **fields)
    assert not study.is_published


def test_linkage_run_factory_defaults_are_valid():
    run = LinkageRunFactory()
    run.full_clean()
    assert run.run_on <= timezone.localdate() + timedelta(days=0)
