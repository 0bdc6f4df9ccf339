import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organisation
from cohorts.models import Attendance, Cohort, Enrolment
from notifications.models import Message
from tests.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, CohortFactory, OfficerFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def boroughs() -> dict[str, Organisation]:
    """The two boroughs these tests use. Created if missing: in a full run an earlier transactional
    test can leave the migration data flushed (see docs/cohorts.md)."""
    return {
        name: Organisation.objects.get_or_create(
            gss_code=code, defaults={"name": name, "slug": name.lower(), "kind": Organisation.Kind.BOROUGH}
        )[0]
        for name, code in (("Camden", "E09000007"), ("Hackney", "E09000012"))
    }


ROSTER = (
    "email,full_name,organisation,job_title,stream\n"
    "amira.khan@example.org,Amira Khan,E09000007,Housing analyst,\n"
    "ben.ode@example.org,Ben Ode,Hackney,Data officer,\n"
)


def test_staff_create_a_cohort_import_a_roster_and_take_a_register(page):
    boroughs()
    staff = StaffFactory()
    sign_in(page, staff.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/cohorts/new/")
    assert_accessible(page, "cohort-create")
    start = timezone.localdate() + timedelta(days=30)
    page.get_by_label("Name", exact=True).fill("Summer cohort")
    page.get_by_label("Short name for web addresses").fill("summer")
    page.get_by_label("Day", exact=True).fill(str(start.day))
    page.get_by_label("Month").fill(str(start.month))
    page.get_by_label("Year", exact=True).fill(str(start.year))
    page.get_by_label("Training day").select_option(label="Thursday")
    page.get_by_role("button", name="Create cohort").click()
    page.wait_for_url("**/cohorts/summer/")
    expect(page.get_by_role("heading", name="Summer cohort")).to_be_visible()
    assert_accessible(page, "cohort-dashboard-new")

    page.get_by_role("link", name="Import a roster").click()
    page.get_by_label("Roster CSV file").set_input_files(
        files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": ROSTER.encode("utf-8-sig")}]
    )
    page.get_by_role("button", name="Preview import").click()
    expect(page.get_by_role("cell", name="Amira Khan")).to_be_visible()
    assert_accessible(page, "roster-preview")
    page.get_by_role("button", name="Import 2 officers").click()
    page.wait_for_url("**/cohorts/summer/")
    assert "Roster imported: 2 officers" in page.locator(".govuk-notification-banner").inner_text()

    # Registers open on the session's day: week 1 has not happened yet, so it has no register link.
    expect(page.get_by_role("link", name=re.compile(r"^Register\s+for week 1$"))).to_have_count(0)
    week_one = Cohort.objects.get(slug="summer").sessions.get(week_number=1)
    week_one.starts_at, week_one.ends_at = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=5)
    week_one.save()
    page.reload()
    page.get_by_role("link", name=re.compile(r"^Register\s+for week 1$")).click()
    assert_accessible(page, "register")
    groups = page.locator("fieldset")
    groups.nth(0).get_by_label("Present").check()
    groups.nth(1).get_by_label("Absent").check()
    page.get_by_role("button", name="Save register").click()
    page.wait_for_url("**/cohorts/summer/")
    assert_accessible(page, "cohort-dashboard-register")
    cohort = Cohort.objects.get(slug="summer")
    assert cohort.sessions.count() == 12
    assert sorted(Attendance.objects.values_list("mark", flat=True)) == ["absent", "present"]


def test_officer_applies_and_the_line_manager_approves_by_the_emailed_link(page):
    cohort = CohortFactory(name="Autumn cohort", slug="autumn")
    officer = OfficerFactory(organisation=boroughs()["Camden"], job_title="Housing analyst")
    sign_in(page, officer.email, PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Apply", exact=True).first.click()
    assert_accessible(page, "cohorts-open")
    page.get_by_role("link", name="Apply to Autumn cohort").click()
    page.get_by_role("button", name="Send application").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "application-errors")
    page.get_by_label("Why do you want to join the bootcamp?").fill("To stop matching records by hand.")
    page.get_by_label("Which data-matching problem would you bring?").fill("Housing and council tax records.")
    page.get_by_label("Line manager’s name").fill("Morgan Lee")
    page.get_by_label("Line manager’s email address").fill("morgan.lee@example.org")
    page.get_by_role("button", name="Send application").click()
    page.wait_for_url(re.compile(r".*/cohorts/applications/\d+/$"))
    expect(page.get_by_role("heading", name="Your application")).to_be_visible()
    assert_accessible(page, "application-own")

    link = re.search(r"https?://\S+(/cohorts/manager/\S+/)", Message.objects.get(kind="manager_approval").body_text)
    page.context.clear_cookies()  # the manager has no account
    page.goto(link.group(1))
    assert_accessible(page, "manager-confirm")
    assert Enrolment.objects.get(cohort=cohort).manager_decision == "pending"
    page.get_by_label("Yes, I approve their release one day a week").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Answer recorded")).to_be_visible()
    assert_accessible(page, "manager-done")
    assert Enrolment.objects.get(cohort=cohort).status == "manager_approved"


def test_an_organisation_page_shows_its_first_officers_and_leads_to_all_of_them(page):
    camden = boroughs()["Camden"]
    for n in range(12):
        OfficerFactory(organisation=camden, full_name=f"Camden Officer {n:02d}")
    staff = StaffFactory()
    sign_in(page, staff.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/cohorts/organisations/camden/")
    expect(page.get_by_text("Officers with an account (12)")).to_be_visible()
    assert_accessible(page, "organisation-detail")
    page.get_by_role("link", name="See all 12 officers from Camden").click()
    page.wait_for_url("**/accounts/people/?organisation=camden&role=officer")
    expect(page.get_by_role("link", name="Camden Officer 11")).to_be_visible()
    assert_accessible(page, "organisation-officers-in-people-list")
