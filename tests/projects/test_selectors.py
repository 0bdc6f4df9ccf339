from datetime import timedelta

import pytest
from django.utils import timezone

from projects import selectors, services
from projects.models import Milestone
from tests.factories import (
    EnrolmentFactory,
    MentorFactory,
    OfficerFactory,
    ProgressLogFactory,
    ProjectFactory,
    StaffFactory,
    borough,
)

pytestmark = pytest.mark.django_db


def test_projects_visible_to_is_scoped_per_role():
    mine, theirs = ProjectFactory(), ProjectFactory()
    officer = mine.officers.get()
    assert list(selectors.projects_visible_to(officer)) == [mine]
    assert list(selectors.projects_visible_to(mine.lead_mentor)) == [mine]
    assert list(selectors.projects_visible_to(MentorFactory())) == []
    assert set(selectors.projects_visible_to(StaffFactory())) == {mine, theirs}
    assert list(selectors.projects_visible_to(OfficerFactory())) == []


def test_summary_status_is_the_latest_logs_and_history_marks_changes():
    project = ProjectFactory()
    ProgressLogFactory(project=project, week_number=1, rag_status="green")
    ProgressLogFactory(project=project, week_number=2, rag_status="red", blockers="No data yet")
    ProgressLogFactory(project=project, week_number=3, rag_status="amber")
    ProgressLogFactory(project=project, week_number=4, rag_status="amber")
    summary = selectors.project_summary(project)
    assert summary.status == "amber"
    assert [(e["week"], e["status"]) for e in summary.status_history] == [(1, "green"), (2, "red"), (3, "amber")]
    assert summary.open_blockers == []  # week 3 said nothing was in the way any more


def test_summary_open_blockers_counts_each_officers_latest_log():
    cohort_project = ProjectFactory()
    other = EnrolmentFactory(cohort=cohort_project.cohort).officer
    project = ProjectFactory(cohort=cohort_project.cohort, officers=[cohort_project.officers.get(), other])
    ProgressLogFactory(project=project, officer=other, week_number=2, blockers="Waiting for the extract")
    ProgressLogFactory(project=project, officer=project.officers.exclude(pk=other.pk).get(), week_number=3)
    assert [log.officer for log in selectors.project_summary(project).open_blockers] == [other]


def test_overdue_counts_open_milestones_past_their_due_date_only():
    project = ProjectFactory()  # week 4: scope (week 2) and data access (week 3) are past due
    summary = selectors.project_summary(project)
    assert [m.title for m in summary.overdue] == ["Scope agreed", "Data access approved"]
    services.milestone_mark_done(
        milestone=project.milestones.get(title="Scope agreed"), officer=project.officers.get(), note="Agreed"
    )
    assert [m.title for m in selectors.project_summary(project).overdue] == ["Data access approved"]


def test_cohort_projects_filters_by_organisation_status_and_overdue():
    first = ProjectFactory(officers=None)
    cohort = first.cohort
    camden = EnrolmentFactory(cohort=cohort, officer=OfficerFactory(organisation=borough("Camden"))).officer
    second = ProjectFactory(cohort=cohort, officers=[camden])
    ProgressLogFactory(project=second, week_number=4, rag_status="red")
    Milestone.objects.filter(project=second).update(due_on=timezone.localdate() + timedelta(days=30))
    assert [r.project for r in selectors.cohort_projects(cohort=cohort, organisation_slug="camden")] == [second]
    assert [r.project for r in selectors.cohort_projects(cohort=cohort, status="red")] == [second]
    assert [r.project for r in selectors.cohort_projects(cohort=cohort, status="none")] == [first]
    assert [r.project for r in selectors.cohort_projects(cohort=cohort, overdue=True)] == [first]


def test_logs_awaiting_comment_lists_only_the_mentors_uncommented_logs():
    project = ProjectFactory()
    waiting = ProgressLogFactory(project=project, week_number=2)
    answered = ProgressLogFactory(project=project, week_number=1)
    services.log_comment_create(log=answered, author=project.lead_mentor, body="Nice")
    ProgressLogFactory()  # another mentor's project
    assert list(selectors.logs_awaiting_comment(project.lead_mentor)) == [waiting]
