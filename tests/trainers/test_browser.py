from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, CascadeSessionFactory, GraduationFactory, borough
from trainers.models import CascadeSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_graduate_logs_a_cascade_session_and_sees_it_on_the_map(page):
    graduation = GraduationFactory(enrolment__officer__organisation=borough("Hackney"))
    officer = graduation.enrolment.officer
    CascadeSessionFactory(
        graduate=GraduationFactory(enrolment__officer__organisation=borough("Sutton")).enrolment.officer
    )
    sign_in(page, officer.email, PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Log a session you ran").click()
    page.wait_for_url("**/trainers/my-sessions/new/")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page, "impact-cascade-session-errors")

    day = timezone.localdate() - timedelta(days=2)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Topic").fill("Fuzzy matching for the housing team")
    page.get_by_label("Lunch and learn").check()
    page.get_by_label("Length in minutes").fill("45")
    page.get_by_label("Number of colleagues reached").fill("12")
    page.get_by_label("Attendee email addresses (optional)").fill("amy@hackney.gov.uk\nraj@hackney.gov.uk")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url("**/trainers/my-sessions/")
    expect(page.get_by_role("cell", name="Fuzzy matching for the housing team").first).to_be_visible()
    assert_accessible(page, "impact-my-sessions")
    session = CascadeSession.objects.get(graduate=officer)
    assert (session.colleagues_reached, session.format, session.organisation.name) == (12, "lunch_and_learn", "Hackney")

    page.goto(f"/trainers/certificates/{graduation.pk}/")
    expect(page.get_by_role("heading", name="Certificate of completion")).to_be_visible()
    assert_accessible(page, "impact-certificate")
    page.emulate_media(media="print")
    page.screenshot(path="var/screenshots/impact-certificate-print.png", full_page=True)
    page.emulate_media(media="screen")

    page.goto("/trainers/impact/")
    page.get_by_label("Shade the map by").select_option(label="Colleagues reached")
    page.get_by_role("button", name="Show on map").click()
    # Not verified yet: the map counts nothing for Hackney and the figures say what is waiting.
    hackney = page.locator("#tile-E09000012")
    assert hackney.get_attribute("data-value") == "0"
    # 12 from this session and 6 from the Sutton graduate's.
    expect(page.locator("#figure-colleagues-reached-waiting")).to_have_text("and 18 waiting for verification")
    assert_accessible(page, "impact-summary-map")

    page.get_by_text("Choose a period").click()
    page.locator("#id_starts_on_0").fill("31")
    page.locator("#id_starts_on_1").fill("2")
    page.locator("#id_starts_on_2").fill(str(day.year))
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Start date must be a real date")).to_be_visible()
    assert_accessible(page, "impact-period-errors")
