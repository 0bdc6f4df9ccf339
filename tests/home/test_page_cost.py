"""The home pages and the mentees page do work that stays flat as a programme's history grows: the same
number of queries and the same number of model instances built (counted with a post_init receiver),
however many logs, marks, milestones and projects there are behind the figures they show."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Enrolment
from tests.factories import (
    AttendanceFactory,
    CohortFactory,
    MentorFactory,
    ProgressLogFactory,
    ProjectFactory,
    RunningCohortFactory,
    StaffFactory,
    TrainingSessionFactory,
)
from tests.page_cost import page_cost

pytestmark = pytest.mark.django_db


def cost(client, url: str) -> tuple[int, Counter]:
    queries, built, _ = page_cost(client, url)
    return queries, built


def add_history(cohort, mentor, *, projects: int, weeks: int, first_week: int = 1) -> None:
    """Projects on a running cohort, each with an officer's logs for `weeks` weeks (some blocked, none
    commented), and a register per week with an absence or two."""
    for _ in range(projects):
        project = ProjectFactory(cohort=cohort, lead_mentor=mentor)
        officer = project.officers.get()
        enrolment = Enrolment.objects.get(cohort=cohort, officer=officer)
        for week in range(first_week, first_week + weeks):
            ProgressLogFactory(project=project, officer=officer, week_number=week, blockers="Data" if week % 3 else "")
    for week in range(first_week, first_week + weeks):
        starts_at = timezone.now() - timedelta(days=7 * (first_week + weeks - week))
        session = TrainingSessionFactory(
            cohort=cohort, week_number=40 + week, starts_at=starts_at, ends_at=starts_at + timedelta(hours=6)
        )
        for enrolment in cohort.enrolments.all():
            AttendanceFactory(session=session, enrolment=enrolment, mark="absent" if week % 2 else "present")


def test_staff_dashboard_cost_does_not_grow_with_rows(client):
    cohort = RunningCohortFactory()
    mentor = MentorFactory()
    # More cohorts in progress than the panel shows, so its "see all" list is already cut at 10.
    for _ in range(11):
        CohortFactory()
    add_history(cohort, mentor, projects=1, weeks=2)
    client.force_login(StaffFactory())
    queries, built = cost(client, "/")
    add_history(cohort, mentor, projects=4, weeks=6, first_week=10)
    for _ in range(3):
        CohortFactory()
    more_queries, more_built = cost(client, "/")
    assert (more_queries, more_built) == (queries, built)
    assert "ProgressLog" not in built and "Attendance" not in built and "Milestone" not in built


def test_mentees_page_cost_does_not_grow_with_logs(client):
    cohort = RunningCohortFactory()
    mentor = MentorFactory()
    add_history(cohort, mentor, projects=1, weeks=25)  # more logs waiting than the page lists (20)
    client.force_login(mentor)
    queries, built = cost(client, "/projects/mentees/")
    project = mentor.led_projects.get()
    officer = project.officers.get()
    for week in range(26, 86):
        ProgressLogFactory(project=project, officer=officer, week_number=week, blockers="Data")
    more_queries, more_built = cost(client, "/projects/mentees/")
    assert (more_queries, more_built) == (queries, built)
    assert built["ProgressLog"] == 20
    page = client.get("/projects/mentees/").content.decode()
    assert "See all 85 logs waiting for a comment" in page


def test_mentor_home_cost_does_not_grow_with_projects_or_logs(client):
    cohort = RunningCohortFactory()
    mentor = MentorFactory()
    add_history(cohort, mentor, projects=11, weeks=2)  # more projects than the home page lists (10)
    client.force_login(mentor)
    queries, built = cost(client, "/")
    add_history(cohort, mentor, projects=4, weeks=5, first_week=3)
    more_queries, more_built = cost(client, "/")
    assert (more_queries, more_built) == (queries, built)
    page = client.get("/").content.decode()
    assert "See all 15 projects you lead" in page
    assert "logs waiting for a comment" in page


def test_logs_awaiting_page_lists_every_log_50_a_page(client):
    cohort = RunningCohortFactory()
    mentor = MentorFactory()
    add_history(cohort, mentor, projects=1, weeks=55)
    client.force_login(mentor)
    first = client.get("/projects/mentees/awaiting-comment/").content.decode()
    assert "55 logs, oldest first." in first and "Week 1:" in first and "Week 51:" not in first
    assert 'rel="next"' in first
    second = client.get("/projects/mentees/awaiting-comment/?page=2").content.decode()
    assert "Week 51:" in second and "Week 55:" in second


def test_staff_projects_panel_works_out_figures_only_for_the_ten_cohorts_it_shows(client):
    """Running cohorts with projects, earliest start first: the panel lists 10 and links to the rest;
    a running cohort without projects and a finished cohort with one are not counted."""
    today = timezone.localdate()
    cohorts = [RunningCohortFactory(start_date=today - timedelta(weeks=11 - n)) for n in range(12)]
    for cohort in cohorts:
        ProjectFactory(cohort=cohort)
    RunningCohortFactory()
    ProjectFactory(cohort=CohortFactory(status="finished"))
    client.force_login(StaffFactory())
    queries, built, html = page_cost(client, "/")
    panel = html[html.index("Projects in running cohorts") :].split("</table>")[0]
    shown = [cohort.slug for cohort in cohorts if f'href="/projects/cohort/{cohort.slug}/"' in panel]
    assert shown == [cohort.slug for cohort in cohorts[:10]]
    assert "See all 12 running cohorts’ projects" in html
    for n in range(3):
        ProjectFactory(cohort=RunningCohortFactory(start_date=today - timedelta(weeks=1, days=n)))
    more_queries, more_built, more_html = page_cost(client, "/")
    assert (more_queries, more_built["Cohort"]) == (queries, built["Cohort"])
    assert "See all 15 running cohorts’ projects" in more_html
