import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from projects import selectors, services, weeks
from projects.models import CaseStudy, Dataset, LinkageRun, LogComment, MilestoneTemplate, ProgressLog
from tests.factories import (
    LinkageRunFactory,
    MentorFactory,
    OfficerFactory,
    ProgressLogFactory,
    ProjectFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

LOG = {
    "week_number": "4",
    "what_i_did": "Profiled data",
    "whats_next": "Blocking",
    "blockers": "",
    "rag_status": "green",
    "hours": "6",
}
RUN = {
    "run_on_0": "1",
    "run_on_1": "3",
    "run_on_2": "2026",
    "records_left": "100",
    "records_right": "200",
    "candidate_pairs": "1000",
    "matches_accepted": "80",
    "sample_size": "50",
    "sample_true_matches": "40",
    "truth_set_size": "",
    "truth_set_found": "",
}


def field_error(html: str, field: str) -> str:
    """The error message shown next to a field (GOV.UK error message), without its hidden prefix."""
    found = re.search(rf'<span id="id_{field}_\d+_error" class="govuk-error-message">(.*?)</span>\s*<', html, re.S)
    if not found:
        return ""
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").split())


@pytest.fixture
def two_projects():
    mine = ProjectFactory()
    theirs = ProjectFactory(cohort=mine.cohort)
    log = ProgressLogFactory(project=theirs, week_number=2)
    return mine, theirs, log


def other_project_urls(theirs, log):
    base = f"/projects/{theirs.pk}"
    milestone = theirs.milestones.first()
    return [
        f"{base}/",
        f"{base}/edit/",
        f"{base}/datasets/add/",
        f"{base}/ig/dpia/",
        f"{base}/milestones/{milestone.pk}/",
        f"{base}/logs/new/",
        f"{base}/logs/{log.pk}/",
        f"{base}/logs/{log.pk}/edit/",
        f"{base}/runs/add/",
        f"{base}/case-study/",
    ]


def test_officer_cannot_read_or_change_another_officers_project(client, two_projects):
    mine, theirs, log = two_projects
    client.force_login(mine.officers.get())
    for url in other_project_urls(theirs, log):
        assert client.get(url).status_code == 404, url
        if url.endswith(f"/{theirs.pk}/"):
            continue  # the project page only answers GET
        assert client.post(url, {**LOG, **RUN, "title": "Hijack", "body": "x"}).status_code == 404, url
    assert ProgressLog.objects.count() == 1
    assert LinkageRun.objects.count() == 0
    theirs.refresh_from_db()
    assert theirs.title != "Hijack"


def test_mentor_who_does_not_lead_a_project_gets_404(client, two_projects):
    mine, theirs, log = two_projects
    client.force_login(mine.lead_mentor)
    assert client.get(f"/projects/{theirs.pk}/").status_code == 404
    assert client.post(f"/projects/{theirs.pk}/logs/{log.pk}/", {"body": "Hi"}).status_code == 404
    assert LogComment.objects.count() == 0


@pytest.mark.parametrize(
    ("factory", "url"),
    [
        (OfficerFactory, "/projects/"),
        (MentorFactory, "/projects/"),
        (OfficerFactory, "/projects/mentees/"),
        (StaffFactory, "/projects/mine/"),
        (MentorFactory, "/projects/mine/"),
    ],
)
def test_wrong_role_gets_403(client, factory, url):
    client.force_login(factory())
    assert client.get(url).status_code == 403


def test_staff_pages_by_cohort_slug_are_403_for_officers(client):
    project = ProjectFactory()
    client.force_login(project.officers.get())
    for url in ("", "progress.csv", "new/", "plan/"):
        assert client.get(f"/projects/cohort/{project.cohort.slug}/{url}").status_code == 403


def test_staff_update_existing_projects_due_dates_from_the_schedule_by_post_only(client):
    project = ProjectFactory()
    milestone = project.milestones.get(due_week=2)
    milestone.due_on = milestone.due_on - timedelta(days=30)
    milestone.save()
    url = f"/projects/cohort/{project.cohort.slug}/plan/reschedule/"
    client.force_login(project.officers.get())
    assert client.post(url).status_code == 403
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Due dates of 1 project have been updated" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.due_on == weeks.week_training_day(project.cohort, 2)


def test_milestone_plan_after_customising_refuses_a_default_plan_step(client):
    project = ProjectFactory()
    default_step = MilestoneTemplate.objects.get(cohort=None, title="Linkage run")
    services.milestone_plan_customise(cohort=project.cohort)
    MilestoneTemplate.objects.filter(cohort=project.cohort, title="Linkage run").update(title="First linkage run")
    client.force_login(StaffFactory())
    url = f"/projects/cohort/{project.cohort.slug}/plan/{default_step.pk}/"
    assert client.post(url, {"title": "Renamed", "due_week": "9"}).status_code == 404
    assert MilestoneTemplate.objects.filter(title="Renamed").count() == 0


def test_officer_removes_a_dataset_after_confirming_and_another_officer_gets_404(client, two_projects):
    mine, theirs, _ = two_projects
    dataset = Dataset.objects.create(
        project=mine, name="Council tax", owning_service="Revenues", holds_personal_data=True, approximate_records=9
    )
    url = f"/projects/{mine.pk}/datasets/{dataset.pk}/remove/"
    client.force_login(theirs.officers.get())
    assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)
    client.force_login(mine.lead_mentor)
    assert client.post(url).status_code == 403
    client.force_login(mine.officers.get())
    assert "Are you sure you want to remove Council tax?" in client.get(url).content.decode()
    assert Dataset.objects.count() == 1  # GET only asks
    response = client.post(url, follow=True)
    assert "The dataset “Council tax” has been removed." in response.content.decode()
    assert Dataset.objects.count() == 0


def test_officer_writes_a_weekly_log_and_a_second_for_the_same_week_is_refused(client):
    project = ProjectFactory()
    client.force_login(project.officers.get())
    assert client.post(f"/projects/{project.pk}/logs/new/", LOG).status_code == 302
    response = client.post(f"/projects/{project.pk}/logs/new/", {**LOG, "hours": "9"})
    html = response.content.decode()
    assert "You have already written a log for week 4" in html
    assert "<title>Error: " in html
    assert list(ProgressLog.objects.values_list("week_number", "hours")) == [(4, 6)]


def test_log_for_a_future_week_is_refused(client):
    project = ProjectFactory()
    client.force_login(project.officers.get())
    response = client.post(f"/projects/{project.pk}/logs/new/", {**LOG, "week_number": "5"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert ProgressLog.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"sample_size": "81"}, "sample_size", "Pairs reviewed cannot be more than the matches accepted"),
        ({"sample_true_matches": "51"}, "sample_true_matches", "True matches in the sample cannot be more than"),
        ({"truth_set_size": "10", "truth_set_found": "11"}, "truth_set_found", "Matches found cannot be more than"),
        ({"truth_set_size": "10"}, "truth_set_found", "Enter how many truth-set matches the run found"),
        ({"matches_accepted": "1001"}, "matches_accepted", "Matches accepted cannot be more than the number of"),
        ({"candidate_pairs": "20001"}, "candidate_pairs", "Candidate pairs cannot be more than 20,000"),
    ],
)
def test_linkage_run_with_impossible_counts_shows_errors_and_saves_nothing(client, overrides, field, message):
    project = ProjectFactory()
    client.force_login(project.officers.get())
    response = client.post(f"/projects/{project.pk}/runs/add/", {**RUN, **overrides})
    html = response.content.decode()
    assert message in html
    # next to the field, as well as in the summary
    assert message in field_error(html, field)
    assert LinkageRun.objects.count() == 0


def test_marking_data_access_done_without_ig_approval_shows_the_error(client):
    project = ProjectFactory()
    milestone = project.milestones.get(title="Data access approved")
    client.force_login(project.officers.get())
    response = client.post(f"/projects/{project.pk}/milestones/{milestone.pk}/", {"note": "Done"})
    assert "This milestone cannot be completed until these checks are confirmed" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.state == "not_started"


def test_lead_mentor_comments_and_officer_sees_the_thread(client):
    log = ProgressLogFactory(week_number=3)
    client.force_login(log.project.lead_mentor)
    url = f"/projects/{log.project.pk}/logs/{log.pk}/"
    assert client.post(url, {"body": "Try blocking on postcode"}).status_code == 302
    client.force_login(log.officer)
    html = client.get(url).content.decode()
    assert "Try blocking on postcode" in html
    assert escape(log.project.lead_mentor.full_name) in html


def test_officer_replies_in_their_logs_thread_and_the_log_still_waits_for_a_mentor(client):
    log = ProgressLogFactory(week_number=3)
    url = f"/projects/{log.project.pk}/logs/{log.pk}/"
    client.force_login(log.officer)
    assert 'name="body"' in client.get(url).content.decode()
    assert client.post(url, {"body": "Is postcode good enough?"}).status_code == 302
    assert "Is postcode good enough?" in client.get(url).content.decode()
    client.force_login(log.project.lead_mentor)
    assert url in client.get("/projects/mentees/").content.decode()
    assert list(selectors.logs_awaiting_comment(log.project.lead_mentor)) == [log]


def test_staff_home_shows_projects_in_running_cohorts(client):
    project = ProjectFactory()
    ProjectFactory(cohort=project.cohort)
    ProgressLogFactory(project=project, week_number=2, rag_status="red", blockers="No extract yet")
    client.force_login(StaffFactory())
    html = client.get("/").content.decode()
    assert "Projects in running cohorts" in html
    assert f'href="/projects/cohort/{project.cohort.slug}/"' in html
    row = html[html.index(f'href="/projects/cohort/{project.cohort.slug}/"') :].split("</tr>")[0]
    assert re.findall(r"numeric\">(\d+)<", row) == ["2", "1", "2", "1"]  # projects, red, with overdue, blockers


def test_project_page_shows_the_quality_chart_and_table(client):
    run = LinkageRunFactory(sample_size=10, sample_true_matches=8)
    client.force_login(run.project.officers.get())
    html = client.get(f"/projects/{run.project.pk}/").content.decode()
    assert 'role="img"' in html
    title = "Measured precision and recall over linkage runs, with 95% intervals"
    assert f'<title id="quality-title">{title}</title>' in html
    cells = re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>', html)
    assert cells[:3] == ["0.800", "0.490", "0.943"]  # precision and its Wilson interval
    assert cells[3] == "Not measured"  # no truth set: no recall, and so no F1
    assert "style=" not in html
    assert "govuk-task-list" in html


def test_staff_export_csv_matches_the_command(client):
    project = ProjectFactory()
    ProgressLogFactory(project=project, week_number=2, blockers="No extract")
    client.force_login(StaffFactory())
    response = client.get(f"/projects/cohort/{project.cohort.slug}/progress.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    out = io.StringIO()
    call_command("export_progress", project.cohort.slug, stdout=out)
    assert list(csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff")))) == rows
    assert {k: rows[0][k] for k in ("project", "status", "milestones_done", "milestones_total", "open_blockers")} == {
        "project": project.title,
        "status": "green",
        "milestones_done": "0",
        "milestones_total": "7",
        "open_blockers": "1",
    }
    assert rows[0]["last_log"] == timezone.localdate().isoformat()


def test_showcase_shows_published_case_studies_to_every_signed_in_user(client):
    project = ProjectFactory()
    fields = {"summary": "We found 300 households", "what_was_linked": "W", "results": "R", "lessons": "L"}
    services.case_study_save(project=project, actor=project.officers.get(), publish=True, **fields)
    draft = ProjectFactory()
    services.case_study_save(project=draft, actor=draft.officers.get(), publish=False, **fields)
    client.force_login(OfficerFactory())
    assert "We found 300 households" in client.get("/projects/showcase/").content.decode()
    assert client.get(f"/projects/showcase/{project.pk}/").status_code == 200
    assert client.get(f"/projects/showcase/{draft.pk}/").status_code == 404
    assert CaseStudy.objects.count() == 2


def grow(project, count: int) -> None:
    for _ in range(count):
        other = ProjectFactory(cohort=project.cohort, lead_mentor=project.lead_mentor)
        add_rows(other)


def add_rows(other) -> None:
    ProgressLogFactory(project=other, week_number=2, blockers="Waiting")
    LinkageRunFactory(project=other)
    services.case_study_save(
        project=other,
        actor=other.officers.get(),
        publish=True,
        summary="S",
        what_was_linked="W",
        results="R",
        lessons="L",
    )


@pytest.mark.parametrize("who", ["staff", "mentor"])
def test_project_lists_query_count_does_not_grow_with_rows(client, who):
    project = ProjectFactory()
    add_rows(project)
    user = StaffFactory() if who == "staff" else project.lead_mentor
    client.force_login(user)
    urls = ["/", "/projects/showcase/"]
    urls.append(f"/projects/cohort/{project.cohort.slug}/" if who == "staff" else "/projects/mentees/")
    if who == "staff":
        urls.append(f"/projects/cohort/{project.cohort.slug}/progress.csv")
    counts_one = {}
    for url in urls:
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        counts_one[url] = len(one)
    grow(project, 3)
    for url in urls:
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        assert len(many) == counts_one[url], url


def test_project_page_query_count_does_not_grow_with_logs_and_runs(client):
    project = ProjectFactory()
    officer = project.officers.get()
    ProgressLogFactory(project=project, week_number=1)
    LinkageRunFactory(project=project)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/projects/{project.pk}/")
    for week in (2, 3, 4):
        log = ProgressLogFactory(project=project, week_number=week)
        services.log_comment_create(log=log, author=project.lead_mentor, body="Good")
        LinkageRunFactory(project=project)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/projects/{project.pk}/")
    assert len(many) == len(one)
