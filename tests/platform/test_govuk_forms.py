"""Bad input gets the GOV.UK Design System's wording next to the field, every bad line of a multi-line
answer is reported, and nothing is saved (the browser never answers first: see test_get_is_safe)."""

import re

import pytest
from django.utils.html import escape

from cohorts.models import Cohort, Enrolment
from projects.models import LinkageRun
from tests.cohorts.test_views import application_post, cohort_post
from tests.factories import OfficerFactory, ProjectFactory, RunningCohortFactory, StaffFactory
from tests.projects.test_views import RUN

pytestmark = pytest.mark.django_db


def errors(response) -> list[str]:
    """The messages in the GOV.UK error summary, in order."""
    html = response.content.decode()
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary on the page"
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (("31", "2", "2027"), "Date of the run must be a real date"),
        (("aa", "March", "27"), "Date of the run must be a real date"),
        (("12", "", "2027"), "Date of the run must include a month"),
        (("", "", "2027"), "Date of the run must include a day and month"),
        (("", "", ""), "Enter the date of the run"),
    ],
)
def test_a_date_gets_one_govuk_message(client, day, message):
    project = ProjectFactory()
    client.force_login(project.officers.get())
    data = {**RUN, "run_on_0": day[0], "run_on_1": day[1], "run_on_2": day[2]}
    response = client.post(f"/projects/{project.pk}/runs/add/", data)
    assert errors(response) == [message]
    assert LinkageRun.objects.count() == 0


def test_a_month_may_be_written_as_a_name(client):
    project = ProjectFactory()
    client.force_login(project.officers.get())
    data = {**RUN, "run_on_0": "1", "run_on_1": "March", "run_on_2": "2026"}
    assert client.post(f"/projects/{project.pk}/runs/add/", data).status_code == 302
    assert LinkageRun.objects.get().run_on.isoformat() == "2026-03-01"


def test_a_number_out_of_range_names_the_range(client):
    client.force_login(StaffFactory())
    response = client.post("/cohorts/new/", cohort_post(capacity="9999"))
    assert errors(response) == ["Capacity must be between 1 and 500"]
    assert Cohort.objects.count() == 0


def test_every_bad_line_of_streams_and_places_is_reported(client):
    client.force_login(StaffFactory())
    response = client.post(
        "/cohorts/new/",
        cohort_post(streams="Foundations, 1, 8\nAdvanced\nLate, 9, 99", places="Camden: 2\nNarnia: 2\nHackney: lots"),
    )
    assert errors(response) == [
        "Line 2: write each stream as name, first week, last week – like Foundations, 1, 8",
        "Line 3: weeks must run from 1 to 12, first before last",
        "Line 2: there is no organisation called Narnia – use its name as on the organisations page, or its GSS code",
        "Line 3: places for Hackney must be a whole number, like 2",
    ]
    assert Cohort.objects.count() == 0


def test_a_malformed_email_gets_the_govuk_wording(client):
    cohort = RunningCohortFactory(status="recruiting")
    client.force_login(OfficerFactory())
    response = client.post(f"/cohorts/{cohort.slug}/apply/", application_post(line_manager_email="morgan"))
    assert errors(response) == ["Enter an email address in the correct format, like name@example.com"]
    assert Enrolment.objects.count() == 0


def test_a_very_long_answer_is_refused_with_its_limit_and_shown_a_character_count(client):
    cohort = RunningCohortFactory(status="recruiting")
    client.force_login(OfficerFactory())
    page = client.get(f"/cohorts/{cohort.slug}/apply/").content.decode()
    assert 'data-module="govuk-character-count" data-maxlength="3000"' in page
    response = client.post(f"/cohorts/{cohort.slug}/apply/", application_post(motivation="x" * 20_000))
    assert errors(response) == [escape("Why do you want to join the bootcamp must be 3,000 characters or fewer")]
    assert Enrolment.objects.count() == 0


def test_a_long_text_input_is_not_cut_by_the_browser_but_refused_by_the_server(client):
    client.force_login(StaffFactory())
    page = client.get("/cohorts/new/").content.decode()
    assert re.findall(r"<(?:input|textarea)[^>]*\smaxlength=", page) == []
    response = client.post("/cohorts/new/", cohort_post(name="N" * 201))
    assert errors(response) == ["Name must be 200 characters or fewer"]
