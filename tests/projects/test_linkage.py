"""Linkage runs (issue 14): quality is measured from counts, impossible counts are refused, the lead
mentor or staff confirm the counts (four eyes), and only confirmed measured figures reach the showcase,
the impact page and count as measured; digests and the mentee page show what is not measured yet."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.digests import digest_week
from projects import services
from projects.digest_sections import mentor_linkage_quality, staff_linkage_quality
from projects.models import CaseStudy, LinkageRun
from tests.factories import LinkageRunFactory, MentorFactory, ProjectFactory, StaffFactory
from tests.projects.test_views import RUN, field_error

pytestmark = pytest.mark.django_db

IMPLAUSIBLE = {
    **RUN,
    "records_left": "10",
    "records_right": "10",
    "candidate_pairs": "1000000",
    "matches_accepted": "900000",
    "sample_size": "0",
    "sample_true_matches": "0",
    "precision": "1",  # typed figures are no longer fields: they are ignored, never stored
    "recall": "1",
}


def summary_errors(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary"
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]


def counts(**overrides) -> dict:
    return {
        "run_on": timezone.localdate(),
        "records_left": 100,
        "records_right": 200,
        "candidate_pairs": 1000,
        "matches_accepted": 80,
        "sample_size": 10,
        "sample_true_matches": 8,
        **overrides,
    }


def settle(run: LinkageRun, actor) -> LinkageRun:
    return services.linkage_run_review(run=run, actor=actor, confirm=True, note="Checked the sheet")


# --- the form and the service ------------------------------------------------------------------------


def test_the_implausible_run_from_issue_14_is_refused_with_errors_by_the_fields(client):
    project = ProjectFactory()
    client.force_login(project.officers.get())
    response = client.post(f"/projects/{project.pk}/runs/add/", IMPLAUSIBLE)
    html = response.content.decode()
    assert response.status_code == 200
    assert summary_errors(html) == [
        "Candidate pairs cannot be more than 100, the records in the first dataset times the records in the second",
        "Matches accepted cannot be more than 100, the possible pairs",
    ]
    assert field_error(html, "candidate_pairs").startswith("Candidate pairs cannot be more than 100")
    assert field_error(html, "matches_accepted") == "Matches accepted cannot be more than 100, the possible pairs"
    assert 'href="#id_candidate_pairs"' in html
    assert LinkageRun.objects.count() == 0


def test_the_service_refuses_the_implausible_run_too():
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        services.linkage_run_create(
            project=project,
            recorded_by=project.officers.get(),
            **counts(records_left=10, records_right=10, candidate_pairs=1_000_000, matches_accepted=900_000),
        )
    assert sorted(error.value.message_dict) == ["candidate_pairs", "matches_accepted"]
    assert LinkageRun.objects.count() == 0


def test_the_database_refuses_impossible_measured_counts_written_past_the_service():
    run = LinkageRunFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LinkageRun.objects.filter(pk=run.pk).update(sample_true_matches=run.sample_size + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        LinkageRun.objects.filter(pk=run.pk).update(records_left=1, records_right=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        LinkageRun.objects.filter(pk=run.pk).update(
            reported_precision=Decimal("1")
        )  # no typed figure on a measured run


def test_a_recorded_run_keeps_its_counts_and_waits_for_confirmation(client):
    project = ProjectFactory()
    client.force_login(project.officers.get())
    data = {**RUN, "sample_size": "10", "sample_true_matches": "8", "truth_set_size": "40", "truth_set_found": "36"}
    assert client.post(f"/projects/{project.pk}/runs/add/", data).status_code == 302
    run = LinkageRun.objects.get()
    assert (run.sample_size, run.sample_true_matches, run.truth_set_size, run.truth_set_found) == (10, 8, 40, 36)
    assert (run.quality, run.reported_precision, run.reported_recall) == ("waiting", None, None)
    assert run.recorded_by == project.officers.get()


def test_a_run_with_a_review_sample_shows_precision_with_its_interval_and_f1_needs_recall(client):
    run = LinkageRunFactory(sample_size=10, sample_true_matches=8)
    client.force_login(run.project.officers.get())
    html = client.get(f"/projects/{run.project.pk}/").content.decode()
    row = html[html.index('id="quality-runs-caption"') :].split("</tr>")[1]
    cells = re.findall(r"numeric\">([^<]*)</td>", row)
    assert cells == ["0.800", "0.490", "0.943", "Not measured", "—", "—", "Not measured", "—"]


def test_f1_appears_where_precision_and_recall_are_both_measured(client):
    run = LinkageRunFactory(sample_size=10, sample_true_matches=8, truth_set_size=100, truth_set_found=90)
    client.force_login(run.project.officers.get())
    html = client.get(f"/projects/{run.project.pk}/").content.decode()
    row = html[html.index('id="quality-runs-caption"') :].split("</tr>")[1]
    cells = re.findall(r"numeric\">([^<]*)</td>", row)
    # recall 90/100: Wilson 0.8256 to 0.9448; F1 0.847, range F1(0.4902, 0.8256) to F1(0.9433, 0.9448)
    assert cells == ["0.800", "0.490", "0.943", "0.900", "0.826", "0.945", "0.847", "0.615 to 0.944"]
    assert html.count('class="app-chart__error-bar"') == 2  # precision and recall, each with its bar


def test_an_empty_review_sample_is_not_measured_and_not_charted(client):
    run = LinkageRunFactory(sample_size=0, sample_true_matches=0)
    client.force_login(run.project.officers.get())
    html = client.get(f"/projects/{run.project.pk}/").content.decode()
    assert "No run has measured quality yet, so there is nothing to chart." in html
    assert 'role="img"' not in html
    row = html[html.index('id="quality-runs-caption"') :].split("</tr>")[1]
    assert re.findall(r"numeric\">([^<]*)</td>", row)[0] == "Not measured"


def test_a_self_reported_run_shows_its_typed_figures_as_self_reported_never_as_measured(client):
    run = LinkageRunFactory(
        quality="self_reported",
        sample_true_matches=None,
        reported_precision=Decimal("0.930"),
        reported_recall=Decimal("0.880"),
    )
    client.force_login(run.project.officers.get())
    html = client.get(f"/projects/{run.project.pk}/").content.decode()
    assert "Self-reported, not measured" in html
    assert "0.930 self-reported" in html and "0.880 self-reported" in html
    assert 'role="img"' not in html


# --- four eyes -------------------------------------------------------------------------------------


def test_only_the_lead_mentor_or_staff_confirm_and_never_the_officers():
    run = LinkageRunFactory()
    project = run.project
    for outsider in (project.officers.get(), MentorFactory()):
        with pytest.raises(PermissionDenied):
            settle(run, outsider)
    staff_on_project = StaffFactory(is_officer=True)
    project.officers.add(staff_on_project)
    with pytest.raises(PermissionDenied):
        settle(run, staff_on_project)
    run = settle(run, project.lead_mentor)
    assert (run.quality, run.reviewed_by, run.review_note) == ("confirmed", project.lead_mentor, "Checked the sheet")
    assert run.reviewed_by_label == f"{project.lead_mentor.full_name} ({project.lead_mentor.email})"
    assert timezone.now() - run.reviewed_at < timedelta(minutes=1)
    with pytest.raises(ValidationError):
        settle(run, StaffFactory())  # once decided, it stays decided


def test_rejecting_counts_needs_a_reason_and_rejected_figures_are_not_shown_as_measured(client):
    run = LinkageRunFactory(sample_size=10, sample_true_matches=8)
    staff = StaffFactory()
    with pytest.raises(ValidationError):
        services.linkage_run_review(run=run, actor=staff, confirm=False, note=" ")
    services.linkage_run_review(run=run, actor=staff, confirm=False, note="The sample was not random")
    client.force_login(run.project.officers.get())
    html = client.get(f"/projects/{run.project.pk}/").content.decode()
    assert "Counts rejected" in html and "The sample was not random" in html
    assert "0.800" not in html


def test_the_lead_mentor_confirms_from_the_page_and_the_officer_cannot(client):
    run = LinkageRunFactory()
    url = f"/projects/{run.project.pk}/runs/{run.pk}/review/"
    client.force_login(run.project.officers.get())
    assert client.get(url).status_code == 403  # officers have no way in
    client.force_login(run.project.lead_mentor)
    assert url in client.get(f"/projects/{run.project.pk}/").content.decode()
    response = client.post(url, {"decision": "reject", "review_note": ""})
    assert "Enter why the counts are rejected" in response.content.decode()
    assert client.post(url, {"decision": "confirm"}).status_code == 302
    run.refresh_from_db()
    assert (run.quality, run.reviewed_by) == ("confirmed", run.project.lead_mentor)


# --- showcase, impact, mentee page, digests --------------------------------------------------------


def publish(project) -> CaseStudy:
    return CaseStudy.objects.create(
        project=project, summary="S", what_was_linked="W", results="Precision 1.0!", lessons="L",
        published_at=timezone.now(),
    )  # fmt: skip


def test_the_showcase_shows_only_confirmed_measured_figures(client):
    run = LinkageRunFactory(sample_size=10, sample_true_matches=8)
    publish(run.project)
    client.force_login(StaffFactory())
    for url in ("/projects/showcase/", f"/projects/showcase/{run.project.pk}/"):
        html = client.get(url).content.decode()
        assert "Linkage quality not measured" in html, url
        assert "0.800" not in html
    settle(run, run.project.lead_mentor)
    for url in ("/projects/showcase/", f"/projects/showcase/{run.project.pk}/"):
        html = client.get(url).content.decode()
        assert "0.800 (95% interval 0.490 to 0.943), from 8 true matches in 10 pairs reviewed" in html, url
        assert 'Recall</dt><dd class="govuk-summary-list__value">Not measured' in html


def test_the_impact_page_counts_self_reported_and_waiting_figures_apart():
    from trainers.impact import ImpactReport, Period

    confirmed = LinkageRunFactory(truth_set_size=10, truth_set_found=9)
    settle(confirmed, confirmed.project.lead_mentor)
    LinkageRunFactory()  # waiting
    LinkageRunFactory(quality="self_reported", sample_true_matches=None, reported_precision=Decimal("1"))
    older = LinkageRunFactory(run_on=timezone.localdate() - timedelta(days=3))
    settle(older, older.project.lead_mentor)
    LinkageRunFactory(project=older.project, quality="self_reported", sample_true_matches=None)  # its latest
    quality = ImpactReport().linkage_quality
    # `older`'s project still counts as measured, by its confirmed run (which has no truth set)
    assert (quality.confirmed, quality.confirmed_with_precision, quality.confirmed_with_recall) == (2, 2, 1)
    assert (quality.confirmed_with_f1, quality.waiting, quality.self_reported, quality.rejected) == (1, 1, 1, 0)
    before = ImpactReport(Period(ends_on=timezone.localdate() - timedelta(days=4))).linkage_quality
    assert before.total == 0  # runs count by the day they were run


def test_the_impact_summary_shows_the_quality_table(client):
    LinkageRunFactory(quality="self_reported", sample_true_matches=None, reported_precision=Decimal("1"))
    client.force_login(StaffFactory())
    html = client.get("/trainers/impact/").content.decode()
    row = html[html.index("Not measured: self-reported figures only") :].split("</tr>")[0]
    assert re.findall(r"numeric\">(\d+)<", row) == ["1"]
    row = html[html.index("Measured, counts confirmed") :].split("</tr>")[0]
    assert re.findall(r"numeric\">(\d+)<", row) == ["0"]


def test_the_mentee_page_shows_runs_to_confirm_and_quality_not_measured(client):
    waiting = LinkageRunFactory(sample_size=0, sample_true_matches=0)
    mentor = waiting.project.lead_mentor
    ProjectFactory(lead_mentor=mentor, title="No runs yet")
    client.force_login(mentor)
    html = client.get("/projects/mentees/").content.decode()
    assert f"/projects/{waiting.project.pk}/runs/{waiting.pk}/review/" in html
    section = html[html.index('id="mentee-quality-caption"') :]
    assert "Measured, waiting for confirmation" in section
    assert section.count("Not measured") >= 4  # the empty sample, and the project with no run


def test_the_mentor_digest_lists_runs_to_confirm_and_quality_not_measured():
    measured = LinkageRunFactory()
    mentor = measured.project.lead_mentor
    settle(measured, mentor)
    LinkageRunFactory(project=measured.project, sample_size=0, sample_true_matches=0, run_on=measured.run_on)
    other = ProjectFactory(lead_mentor=mentor, title="Adult social care")
    to_confirm = LinkageRunFactory(project=other)
    blocks = mentor_linkage_quality([mentor], digest_week(timezone.now()))[mentor.pk]
    day = f"{to_confirm.run_on:%A} {to_confirm.run_on.day} {to_confirm.run_on:%B}"
    assert [(block.title, [item.text for item in block.items]) for block in blocks] == [
        (
            "Linkage runs for you to confirm",
            [f"{other.title}, run on {day}", f"{measured.project.title}, run on {day}"],
        ),
        (
            "Your mentees’ linkage quality not measured",
            [f"{measured.project.title}, run on {day}: no pairs reviewed yet, precision not measured"],
        ),
    ]


def test_the_staff_digest_lists_each_running_cohorts_unmeasured_quality():
    run = LinkageRunFactory(quality="self_reported", sample_true_matches=None, reported_precision=Decimal("1"))
    staff = StaffFactory()
    blocks = staff_linkage_quality([staff], digest_week(timezone.now()))[staff.pk]
    day = f"{run.run_on:%A} {run.run_on.day} {run.run_on:%B}"
    assert [(block.title, [item.text for item in block.items]) for block in blocks] == [
        (
            f"{run.project.cohort.name}: linkage quality not measured",
            [f"{run.project.title}, run on {day}: self-reported figures, not measured"],
        )
    ]


def test_linkage_digests_run_a_fixed_number_of_queries():
    def build():
        mentors, staff = list(MentorFactory._meta.model.objects.filter(is_mentor=True)), [StaffFactory()]
        with CaptureQueriesContext(connection) as queries:
            mentor_linkage_quality(mentors, digest_week(timezone.now()))
            staff_linkage_quality(staff, digest_week(timezone.now()))
        return len(queries)

    LinkageRunFactory()
    one = build()
    for _ in range(4):
        LinkageRunFactory()
    assert build() == one


# --- query counts of the pages touched -------------------------------------------------------------


def grow(mentor, many: int) -> None:
    for _ in range(many):
        run = LinkageRunFactory(project=ProjectFactory(lead_mentor=mentor), truth_set_size=20, truth_set_found=15)
        settle(run, mentor)
        publish(run.project)
        LinkageRunFactory(project=run.project)
        LinkageRunFactory(project=run.project, quality="self_reported", sample_true_matches=None)


def test_quality_pages_query_counts_do_not_grow_with_runs(client):
    mentor = MentorFactory()
    grow(mentor, 1)
    project = LinkageRun.objects.first().project
    pages = ["/projects/mentees/", "/projects/showcase/", f"/projects/showcase/{project.pk}/", "/trainers/impact/"]
    pages.append(f"/projects/{project.pk}/")
    client.force_login(mentor)
    one = {}
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        one[url] = len(queries)
    grow(mentor, 4)
    for _ in range(3):
        LinkageRunFactory(project=project)
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        assert len(queries) == one[url], url
