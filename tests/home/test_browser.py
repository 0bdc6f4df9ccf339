"""The home app's pages in a real browser: the privacy notice, an officer's download from their account
page, staff's refused erasure, and the dashboard's attention list and its full page."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from accounts.models import User
from home.retention import RULES
from tests.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, BookingFactory, OfficerFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_privacy_notice_shows_the_retention_schedule_and_is_accessible(page):
    page.goto("/privacy/")

    table = page.get_by_role("table", name="Retention schedule")
    for rule in RULES:
        row = table.get_by_role("row", name=rule.name, exact=False)
        assert rule.keeps.lower() in row.inner_text().lower()
    assert_accessible(page, "privacy-notice")


def test_officer_downloads_their_data_from_the_account_page(page):
    officer = OfficerFactory(email="browser.officer@example.org", full_name="Rosa Browser")
    sign_in(page, officer.email, PASSWORD)

    page.goto(reverse("accounts:account"))
    assert_accessible(page, "account-your-data")
    page.get_by_role("link", name="Download a copy of the data we hold about you").click()
    page.wait_for_url("**/account/your-data/")
    assert_accessible(page, "your-data")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download your data (zip)").click()

    download = download_info.value
    assert download.suggested_filename.startswith(f"your-data-{officer.pk}-")
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        profile = json.loads(archive.read("profile.json"))
    assert (profile["email"], profile["full_name"]) == ("browser.officer@example.org", "Rosa Browser")


def test_staff_see_why_an_erasure_is_refused(page):
    staff = StaffFactory(email="browser.staff@example.org")
    officer = OfficerFactory(full_name="Pat Booked")
    sign_in(page, staff.email, PASSWORD)

    page.goto(f"/accounts/people/{officer.pk}/erase/")
    assert_accessible(page, "person-erase")
    BookingFactory(officer=officer)  # booked while staff read the page: the service checks again
    with page.expect_navigation():
        page.get_by_role("button", name="Erase Pat Booked").click()

    summary = page.get_by_role("alert")
    assert "Pat Booked cannot be erased yet" in summary.inner_text()
    assert "1 upcoming mentoring session" in summary.inner_text()
    assert page.get_by_role("button", name="Erase Pat Booked").count() == 0
    assert_accessible(page, "person-erase-refused")
    assert User.objects.get(pk=officer.pk).full_name == "Pat Booked"


def test_staff_follow_the_dashboard_to_everything_that_needs_their_attention(page):
    """The dashboard's attention list is cut at 10 lines and links to the whole list."""
    from tests.home.test_selectors import running_cohort_needing_attention

    for n in range(4):
        running_cohort_needing_attention(f"Browser cohort {n}")
    staff = StaffFactory(email="browser.dashboard@example.org")
    sign_in(page, staff.email, PASSWORD)

    page.goto("/")
    assert page.locator("h2:has-text('Needs your attention') + ul li").count() == 10
    assert_accessible(page, "staff-dashboard")
    page.get_by_role("link", name="See all 12 things that need your attention").click()
    page.wait_for_url("**/attention/")
    assert page.get_by_role("heading", level=1).inner_text() == "Needs your attention"
    assert page.locator("main ul.govuk-list--bullet li").count() == 12
    assert_accessible(page, "staff-attention")
