"""In the browser: an officer records a linkage run, gets the GOV.UK errors for impossible counts, then
sees the precision with its 95% interval; the lead mentor confirms the counts. Axe finds nothing."""

import pytest
from playwright.sync_api import expect

from projects.models import LinkageRun
from tests.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_run(page, **values) -> None:
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)


def test_officer_records_a_run_sees_the_interval_and_the_mentor_confirms(page):
    project = ProjectFactory(title="Council tax and housing")
    officer, mentor = project.officers.get(), project.lead_mentor
    sign_in(page, officer.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Record a linkage run").click()
    fill_run(
        page,
        **{
            "Records in first dataset": "10",
            "Records in second dataset": "10",
            "Candidate pairs": "1000000",
            "Matches accepted": "900000",
            "Pairs reviewed": "0",
            "True matches among the pairs reviewed": "0",
        },
    )
    page.get_by_role("button", name="Save run").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Candidate pairs cannot be more than 100")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page, "projects-linkage-run-errors")

    fill_run(
        page,
        **{
            "Records in first dataset": "1200",
            "Records in second dataset": "9800",
            "Candidate pairs": "40000",
            "Matches accepted": "900",
            "Pairs reviewed": "10",
            "True matches among the pairs reviewed": "8",
            "Matches in the truth set": "100",
            "Truth-set matches the run found": "90",
        },
    )
    page.get_by_role("button", name="Save run").click()
    expect(page.get_by_text("The linkage run has been recorded")).to_be_visible()
    table = page.get_by_role("table", name="Precision, recall and F1 by run, with 95% intervals")
    row = table.get_by_role("row").nth(1)
    expect(row).to_contain_text("Measured, waiting for confirmation")
    cells = row.get_by_role("cell")
    assert [cells.nth(i).inner_text() for i in range(1, 4)] == ["0.800", "0.490", "0.943"]
    expect(
        page.get_by_role("img", name="Measured precision and recall over linkage runs, with 95% intervals")
    ).to_be_visible()
    assert page.locator("g.app-chart__error-bar").count() == 2
    assert_accessible(page, "projects-linkage-run-interval")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")

    sign_in(page, mentor.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/projects/mentees/")
    assert_accessible(page, "projects-mentee-linkage")
    page.get_by_role("link", name="Council tax and housing: run on 1 Mar 2026").click()
    assert_accessible(page, "projects-linkage-run-review")
    page.get_by_label("Confirm the counts").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("The counts have been confirmed")).to_be_visible()
    assert LinkageRun.objects.get().quality == "confirmed"
