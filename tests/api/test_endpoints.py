"""Scoping (the selectors' rules, through the API) and query counts that do not grow with rows."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.models import ApiToken
from api.services import api_token_create
from tests.factories import (
    BookingFactory,
    CascadeSessionFactory,
    EnrolmentFactory,
    LinkageRunFactory,
    ProgressLogFactory,
    ProjectFactory,
    RunningCohortFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

LISTS = [
    "cohorts",
    "sessions",
    "organisations",
    "enrolments",
    "attendance",
    "projects",
    "milestones",
    "progress-logs",
    "linkage-runs",
    "bookings",
    "cascade-sessions",
    "impact/organisations",
    "impact/cohorts",
]


def _officer_on_a_project():
    cohort = RunningCohortFactory()
    officer = EnrolmentFactory(cohort=cohort).officer
    return officer, ProjectFactory(cohort=cohort, officers=[officer])


def _get(path: str, raw: str, **params):
    return Client().get(path, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _staff_token() -> str:
    staff = StaffFactory()
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    return api_token_create(user=staff, name="all", scope=ApiToken.Scope.PROGRAMME)[1]


def _rows(count: int) -> None:
    for week in range(1, count + 1):
        log = ProgressLogFactory(week_number=week)
        LinkageRunFactory(project=log.project)
        CascadeSessionFactory()
        BookingFactory()


def _queries(raw: str, endpoint: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = _get(f"/api/v1/{endpoint}/", raw, page_size=100)
    assert response.status_code == 200, response.content
    return len(queries)


def test_every_list_runs_the_same_queries_at_one_row_and_many():
    raw = _staff_token()
    _rows(1)
    at_one = {endpoint: _queries(raw, endpoint) for endpoint in LISTS}
    _rows(6)
    at_many = {endpoint: _queries(raw, endpoint) for endpoint in LISTS}
    assert at_many == at_one


def test_officer_sees_only_their_own_project_and_its_rows():
    officer, mine = _officer_on_a_project()
    ProgressLogFactory(project=mine, officer=officer)
    LinkageRunFactory(project=mine)
    other = ProgressLogFactory()  # another officer's project
    LinkageRunFactory(project=other.project)
    BookingFactory()
    CascadeSessionFactory()
    _, raw = api_token_create(user=officer, name="mine")

    assert [row["id"] for row in _get("/api/v1/projects/", raw).json()["results"]] == [mine.pk]
    for endpoint in ("milestones", "progress-logs", "linkage-runs"):
        projects = {row["project"] for row in _get(f"/api/v1/{endpoint}/", raw).json()["results"]}
        assert projects == {mine.pk}, endpoint
    assert _get("/api/v1/bookings/", raw).json()["count"] == 0
    assert _get("/api/v1/cascade-sessions/", raw).json()["count"] == 0
    # asking for another project by id gives an empty page, not its rows
    assert _get("/api/v1/progress-logs/", raw, project=other.project.pk).json()["count"] == 0
    for endpoint in ("enrolments", "organisations", "impact/organisations", "impact/cohorts"):
        assert _get(f"/api/v1/{endpoint}/", raw).status_code == 403


def test_project_filters_match_the_cohort_projects_page():
    raw = _staff_token()
    red = ProgressLogFactory(rag_status="red").project
    ProgressLogFactory(rag_status="green")
    ProjectFactory()
    ids = [row["id"] for row in _get("/api/v1/projects/", raw, status="red").json()["results"]]
    assert ids == [red.pk]
    assert _get("/api/v1/projects/", raw, status="none").json()["count"] == 1
    assert _get("/api/v1/projects/", raw, status="purple").status_code == 400


def test_pagination_is_stable_and_bounded():
    officer, project = _officer_on_a_project()
    for week in range(1, 6):
        ProgressLogFactory(project=project, officer=officer, week_number=week)
    _, raw = api_token_create(user=officer, name="mine")
    first = _get("/api/v1/progress-logs/", raw, page_size=2).json()
    second = _get("/api/v1/progress-logs/", raw, page_size=2, page=2).json()
    assert first["count"] == 5
    assert [row["week_number"] for row in first["results"] + second["results"]] == [1, 2, 3, 4]
    problem = _get("/api/v1/progress-logs/", raw, page_size=101)
    assert problem.status_code == 400
    assert problem.json()["errors"] == {"page_size": ["page_size must be between 1 and 100"]}


def test_linkage_runs_give_measures_with_intervals_from_their_counts_and_not_measured_as_null():
    officer, project = _officer_on_a_project()
    measured = LinkageRunFactory(project=project, sample_size=200, sample_true_matches=180)
    LinkageRunFactory(
        project=project,
        quality="self_reported",
        sample_size=0,
        sample_true_matches=None,
        reported_precision="0.990",
        reported_recall="0.950",
    )
    _, raw = api_token_create(user=officer, name="mine")
    rows = {row["id"]: row for row in _get("/api/v1/linkage-runs/", raw).json()["results"]}
    first = rows.pop(measured.pk)
    # 180 of 200: 0.9, Wilson 95% interval 0.8506 to 0.9343 (worked by hand from the formula)
    assert first["precision"]["value"] == pytest.approx(0.9)
    assert first["precision"]["lower"] == pytest.approx(0.8506, abs=1e-4)
    assert first["precision"]["upper"] == pytest.approx(0.9343, abs=1e-4)
    assert (first["recall"], first["f1"], first["quality"]) == (None, None, "waiting")
    (typed,) = rows.values()
    assert (typed["precision"], typed["recall"], typed["f1"]) == (None, None, None)
    assert (typed["reported_precision"], typed["quality"]) == (0.99, "self_reported")
