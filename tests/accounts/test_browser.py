import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize(
    ("email", "heading", "slug"),
    [
        ("staff@example.org", "Programme dashboard", "home-staff"),
        ("mentor@example.org", "My mentees", "home-mentor"),
        ("officer@example.org", "My cohort", "home-officer"),
        ("officer2@example.org", "My cohort", "home-officer2"),
    ],
)
def test_each_demo_role_signs_in_through_the_form_and_sees_its_home(page, demo, email, heading, slug):
    page.goto("/accounts/login/")
    assert_accessible(page, "login")
    sign_in(page, email)
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert_accessible(page, slug)


def test_wrong_password_shows_the_error_summary_and_focuses_it(page, demo):
    sign_in(page, "officer@example.org", "wrong-password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter a correct email address and password" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page, "login-error")


def test_officer_sees_a_403_page_on_staff_pages(page, demo):
    sign_in(page, "officer@example.org")
    page.wait_for_url("**/")
    response = page.goto("/accounts/people/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()
    assert_accessible(page, "forbidden")


def test_staff_add_a_person(page, demo):
    sign_in(page, "staff@example.org")
    page.wait_for_url("**/")
    page.goto("/accounts/people/add/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "person-add-errors")
    page.get_by_label("Email address").fill("new.mentor@example.org")
    page.get_by_label("Full name").fill("Nia Mentor")
    page.get_by_label("Organisation").select_option(label="ONS Data Science Campus")
    page.get_by_label("Mentor").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Nia Mentor has been added")).to_be_visible()
    assert_accessible(page, "people-list")
