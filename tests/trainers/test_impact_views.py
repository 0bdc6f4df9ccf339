"""The impact pages as their users meet them: only verified cascade sessions count, officers trained
means a finished cohort, a period chosen with GOV.UK date inputs, and each query run once a page."""

import csv
import io
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    CascadeSessionFactory,
    CohortFactory,
    EnrolmentFactory,
    GraduationFactory,
    OfficerFactory,
    ProjectFactory,
    StaffFactory,
    borough,
)
from trainers.models import CascadeSession

pytestmark = pytest.mark.django_db


def figure(html: str, name: str) -> int:
    """A headline figure as the page shows it."""
    return int(re.search(rf'id="figure-{name}">([\d.]+)<', html).group(1))


def day_fields(prefix: str, day: date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def session_post(day: date, **overrides) -> dict:
    data = {
        **day_fields("delivered_on", day),
        "topic": "Pairing on pandas",
        "format": "pairing",
        "length_minutes": "90",
        "colleagues_reached": "9",
        "attendee_emails": "",
    }
    data.update(overrides)
    return data


def test_a_logged_session_waits_for_verification_before_it_counts(client):
    officer = GraduationFactory(enrolment__officer__organisation=borough("Camden")).enrolment.officer
    client.force_login(officer)
    assert client.post("/trainers/my-sessions/new/", session_post(timezone.localdate())).status_code == 302

    html = client.get("/trainers/impact/").content.decode()
    assert (figure(html, "cascade-sessions"), figure(html, "colleagues-reached")) == (0, 0)
    assert "and 1 waiting for verification" in html
    assert "and 9 waiting for verification" in html
    tile = re.search(r'<g id="tile-E09000007"[^>]*data-value="(\d+)"', html).group(1)
    assert tile == "0"

    client.force_login(StaffFactory())
    client.post(f"/trainers/sessions/{CascadeSession.objects.get().pk}/verify/")
    client.force_login(officer)
    html = client.get("/trainers/impact/").content.decode()
    assert (figure(html, "cascade-sessions"), figure(html, "colleagues-reached")) == (1, 9)
    assert "waiting for verification</dd>" not in html
    assert re.search(r'<g id="tile-E09000007"[^>]*data-value="(\d+)"', html).group(1) == "9"


def test_a_session_before_the_graduation_day_is_refused(client):
    graduation = GraduationFactory(graduated_on=date(2026, 3, 24))
    client.force_login(graduation.enrolment.officer)
    response = client.post("/trainers/my-sessions/new/", session_post(date(2019, 1, 1)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert 'href="#id_delivered_on"' in page
    assert "The date must be the same as or after 24 March 2026, the day you graduated" in page
    assert CascadeSession.objects.count() == 0

    assert client.post("/trainers/my-sessions/new/", session_post(date(2026, 3, 24))).status_code == 302
    session = CascadeSession.objects.get()
    response = client.post(f"/trainers/my-sessions/{session.pk}/", session_post(date(2026, 3, 23)))
    assert "the day you graduated" in response.content.decode()
    session.refresh_from_db()
    assert session.delivered_on == date(2026, 3, 24)


def test_officers_trained_counts_only_cohorts_that_have_finished(client):
    finished = CohortFactory(status="finished", start_date=timezone.localdate() - timedelta(days=200))
    EnrolmentFactory.create_batch(2, cohort=finished, status="selected")
    EnrolmentFactory(cohort=finished, status="withdrawn")
    GraduationFactory(enrolment__cohort=finished)
    EnrolmentFactory.create_batch(3, cohort=CohortFactory(status="running"), status="selected")
    EnrolmentFactory.create_batch(4, cohort=CohortFactory(status="recruiting"), status="selected")
    client.force_login(OfficerFactory())
    html = client.get("/trainers/impact/").content.decode()
    assert (figure(html, "officers-trained"), figure(html, "in-training"), figure(html, "graduates")) == (3, 7, 1)
    assert "a cohort that has finished (" + finished.name + ")" in html


def test_impact_page_takes_a_period(client):
    today = timezone.localdate()
    officer = GraduationFactory(
        graduated_on=today - timedelta(days=400), enrolment__officer__organisation=borough("Lewisham")
    ).enrolment.officer
    CascadeSessionFactory(graduate=officer, delivered_on=today - timedelta(days=300), verified_at=timezone.now())
    CascadeSessionFactory(graduate=officer, delivered_on=today - timedelta(days=5), verified_at=timezone.now())
    client.force_login(StaffFactory())
    starts_on = today - timedelta(days=30)
    html = client.get("/trainers/impact/", day_fields("starts_on", starts_on)).content.decode()
    assert figure(html, "cascade-sessions") == 1
    assert f"Figures from {starts_on:%-d %B %Y} to today" in html
    assert f'name="starts_on_0" value="{starts_on.day}"' in html
    assert "csrfmiddlewaretoken" not in html.split('class="app-impact-period"')[1].split("</form>")[0]
    # The period goes with the links to the staff pages and the download.
    query = f"starts_on_0={starts_on.day}&amp;starts_on_1={starts_on.month}&amp;starts_on_2={starts_on.year}"
    assert f"/trainers/impact/organisations/?{query}" in html
    organisations = client.get("/trainers/impact/organisations/", day_fields("starts_on", starts_on)).content.decode()
    assert figure(organisations, "cascade-sessions") == 1
    assert f"/trainers/impact/organisations.csv?{query}" in organisations
    response = client.get("/trainers/impact/organisations.csv", day_fields("starts_on", starts_on))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sum(int(row["cascade_sessions"]) for row in rows) == 1


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        ({"starts_on_0": "31", "starts_on_1": "2", "starts_on_2": "2026"}, ["Start date must be a real date"]),
        (
            {"starts_on_0": "1", "starts_on_1": "", "starts_on_2": "2026"},
            ["Start date must include a month"],
        ),
        ({"ends_on_0": "x", "ends_on_1": "4", "ends_on_2": "2026"}, ["End date must be a real date"]),
        ({"starts_on_0": "1", "starts_on_1": "4", "starts_on_2": "26"}, ["must include a year with 4 numbers"]),
        (
            {**day_fields("starts_on", date(2026, 4, 1)), **day_fields("ends_on", date(2026, 3, 31))},
            ["The end date must be the same as or after the start date, 1 April 2026"],
        ),
    ],
)
def test_impact_period_errors_are_shown_the_gov_uk_way(client, query, messages):
    CascadeSessionFactory(verified_at=timezone.now())
    client.force_login(StaffFactory())
    response = client.get("/trainers/impact/", query)
    html = response.content.decode()
    assert response.status_code == 200
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S).group(0)
    for message in messages:
        assert message in summary
    assert "govuk-date-input__input--error" in html or "govuk-input--error" in html
    # Nothing is filtered by a period the user did not manage to give, and the page says so.
    assert figure(html, "cascade-sessions") == 1
    assert "Figures for the whole programme (the dates you entered have a problem)" in html


def test_impact_download_with_a_wrong_period_goes_back_to_the_page_with_the_errors(client):
    client.force_login(StaffFactory())
    response = client.get("/trainers/impact/organisations.csv", {"starts_on_0": "31", "starts_on_1": "2"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Start date must include a year" in page


def many_rows(rows: int):
    for index in range(rows):
        officer = GraduationFactory(
            enrolment__officer__organisation=borough(["Camden", "Hackney", "Sutton"][index % 3]),
            enrolment__cohort__status="finished",
        ).enrolment.officer
        CascadeSessionFactory(graduate=officer, verified_at=timezone.now())
        CascadeSessionFactory(graduate=officer)
        ProjectFactory(cohort=officer.enrolments.get().cohort, officers=[officer])


@pytest.mark.parametrize("path", ["/trainers/impact/", "/trainers/impact/organisations/", "/trainers/impact/cohorts/"])
def test_impact_pages_run_each_query_once(client, path):
    many_rows(3)
    client.force_login(StaffFactory())
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, {"starts_on_0": "1", "starts_on_1": "1", "starts_on_2": "2020"}).status_code == 200
    repeated = {sql: n for sql, n in Counter(q["sql"] for q in queries.captured_queries).items() if n > 1}
    assert repeated == {}
