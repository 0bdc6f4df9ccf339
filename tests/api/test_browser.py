"""An officer makes a token in the browser, reads /api/v1/projects/ with it and sees only their own
project; after revoking it the same call answers 401 problem+json. The token page passes axe."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, sign_in
from tests.factories import EnrolmentFactory, ProjectFactory, RunningCohortFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_creates_uses_and_revokes_a_token(page):
    cohort = RunningCohortFactory()
    enrolment = EnrolmentFactory(cohort=cohort)
    officer = enrolment.officer
    officer.set_password("bootcamp-demo")
    officer.save()
    mine = ProjectFactory(cohort=cohort, officers=[officer])
    ProjectFactory(cohort=cohort)  # another officer's

    sign_in(page, officer.email)
    page.wait_for_url("**/")
    page.goto("/account/tokens/")
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    assert_accessible(page, "api-tokens")
    page.get_by_label("Name").fill("Weekly notebook")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="Token created")).to_be_visible()
    raw = page.get_by_label("Your new token").input_value()
    assert raw.startswith("lbc_")
    assert_accessible(page, "api-token-created")

    api = page.context.request
    headers = {"Authorization": f"Bearer {raw}"}
    response = api.get("/api/v1/projects/", headers=headers)
    assert response.status == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]

    page.goto("/account/tokens/")
    expect(page.get_by_role("cell", name="Weekly notebook lbc_")).to_be_visible()
    page.get_by_role("button", name="Revoke Weekly notebook").click()
    expect(page.get_by_text("revoked. Anything using it now gets 401.")).to_be_visible()
    assert_accessible(page, "api-token-revoked")

    refused = api.get("/api/v1/projects/", headers=headers)
    assert refused.status == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["title"] == "Unauthorized"


def test_api_docs_page_loads_swagger_ui_under_the_csp(page):
    officer = EnrolmentFactory().officer
    officer.set_password("bootcamp-demo")
    officer.save()
    sign_in(page, officer.email)
    page.wait_for_url("**/")
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15000)
    page.screenshot(path="var/screenshots/api-docs.png", full_page=False)
    assert [text for text in page.console_errors if "Content Security Policy" in text and "script" in text] == []
