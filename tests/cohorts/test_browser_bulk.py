"""Bulk work in a real browser (one Chromium for the module): a whole register in one save, three
applications decided through one check page, and an announcement to a stream seen on an officer's
home page and in the outbox. axe finds no WCAG 2.2 AA violation on any page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Attendance, Enrolment
from notifications.models import Message
from tests.conftest import assert_accessible, sign_in
from tests.factories import (
    PASSWORD,
    CohortFactory,
    EnrolmentFactory,
    RunningCohortFactory,
    StaffFactory,
    StreamFactory,
    TrainingSessionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_mark_a_whole_register_present_in_one_save(page):
    cohort = RunningCohortFactory()
    session = TrainingSessionFactory(
        cohort=cohort,
        week_number=1,
        starts_at=timezone.now() - timedelta(days=7),
        ends_at=timezone.now() - timedelta(days=7) + timedelta(hours=6),
    )
    officers = [EnrolmentFactory(cohort=cohort) for _ in range(15)]
    late = sorted(officers, key=lambda e: e.officer.full_name)[2]
    staff = StaffFactory()
    sign_in(page, staff.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/cohorts/{cohort.slug}/sessions/{session.pk}/register/")
    assert_accessible(page, "register-bulk")

    page.get_by_role("button", name="Mark everyone present").click()
    expect(page.get_by_text("Everyone is marked present.")).to_be_visible()
    assert_accessible(page, "register-filled-present")
    assert Attendance.objects.count() == 0  # filling in saves nothing
    page.get_by_role("group", name=late.officer.full_name).get_by_label("Late").check()
    page.get_by_role("button", name="Save register").click()
    page.wait_for_url(f"**/cohorts/{cohort.slug}/")
    expect(page.get_by_text("The register for week 1 has been saved (15 officers).")).to_be_visible()
    marks = dict(Attendance.objects.values_list("enrolment_id", "mark"))
    assert marks == {e.pk: ("late" if e == late else "present") for e in officers}


def test_staff_decide_three_applications_at_once_through_a_check_page(page):
    cohort = CohortFactory(capacity=10, name="Autumn cohort")
    applicants = [
        EnrolmentFactory(cohort=cohort, status="manager_approved", manager_decision="approved") for _ in range(4)
    ]
    chosen = sorted(applicants, key=lambda e: e.officer.full_name)[:3]
    staff = StaffFactory()
    sign_in(page, staff.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/cohorts/{cohort.slug}/applications/")
    page.get_by_role("link", name="Decide on several applications").click()
    assert_accessible(page, "applications-decide")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Choose at least one application")).to_be_visible()
    assert_accessible(page, "applications-decide-errors")

    for enrolment in chosen:
        page.get_by_label(f"Choose {enrolment.officer.full_name}").check()
    page.get_by_label("Select", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your decisions")).to_be_visible()
    assert_accessible(page, "applications-decide-check")
    assert Enrolment.objects.filter(cohort=cohort, status="selected").count() == 0

    page.get_by_role("button", name="Confirm 3 decisions and send the letters").click()
    page.wait_for_url(f"**/cohorts/{cohort.slug}/applications/")
    expect(page.get_by_text("3 applications have been selected")).to_be_visible()
    selected = set(Enrolment.objects.filter(cohort=cohort, status="selected").values_list("pk", flat=True))
    assert selected == {e.pk for e in chosen}
    assert Message.objects.filter(kind="application_outcome").count() == 6

    # A single decision has its own check page too, with a reason for "not selected".
    last = next(e for e in applicants if e not in chosen)
    page.goto(f"/cohorts/applications/{last.pk}/")
    page.get_by_role("button", name="Not selected").click()
    assert_accessible(page, "application-not-selected")
    page.get_by_label("A later cohort would suit you better").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your decision")).to_be_visible()
    assert_accessible(page, "application-decide-confirm")
    page.get_by_role("button", name="Confirm and send the letter").click()
    expect(page.get_by_text("1 application has been marked not selected")).to_be_visible()
    last.refresh_from_db()
    assert (last.status, last.outcome_reason) == ("not_selected", "later_cohort")


def test_staff_send_an_announcement_to_a_stream_and_an_officer_sees_it(browser, live_server):
    stream = StreamFactory(name="Foundations")
    officer = EnrolmentFactory(cohort=stream.cohort, stream=stream).officer
    EnrolmentFactory(cohort=stream.cohort, stream=stream)
    EnrolmentFactory(cohort=stream.cohort)  # on the cohort, not on the stream
    staff = StaffFactory()

    def new_page():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        return page

    page = new_page()
    sign_in(page, staff.email, PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Announcements").click()
    assert_accessible(page, "announcement-list-empty")
    page.get_by_role("button", name="Write an announcement").click()
    assert_accessible(page, "announcement-form")
    page.get_by_label("Title").fill("Foundations moves to room 4")
    page.get_by_label("Announcement", exact=True).fill(
        "From next week we meet in room 4.\n\nDirections: https://example.org/room-4"
    )
    page.get_by_label("Officers on a stream").check()
    page.get_by_label("Stream (if it is for a stream)").select_option(label=f"{stream.cohort.name}: Foundations")
    page.get_by_label("Optional: people who switched off").check()
    page.get_by_role("button", name="Preview the announcement").click()
    expect(page.get_by_role("heading", name="Check your announcement")).to_be_visible()
    expect(page.locator("#recipient-count")).to_have_text("2 people")
    assert_accessible(page, "announcement-preview")
    page.get_by_role("button", name="Send to 2 people").click()
    page.wait_for_url("**/cohorts/announcements/")
    expect(page.get_by_text("“Foundations moves to room 4” has been sent to 2 people.")).to_be_visible()
    assert_accessible(page, "announcement-list")

    page.goto("/notifications/outbox/")
    expect(page.get_by_text("Foundations moves to room 4").first).to_be_visible()
    assert Message.objects.filter(kind="announcement", recipient=officer).count() == 1
    page.context.close()

    page = new_page()
    sign_in(page, officer.email, PASSWORD)
    page.wait_for_url("**/")
    banner = page.get_by_role("region", name="Announcement")
    expect(banner).to_contain_text("Foundations moves to room 4")
    expect(banner.get_by_role("link", name="https://example.org/room-4")).to_have_attribute(
        "href", "https://example.org/room-4"
    )
    assert_accessible(page, "announcement-banner-officer")
    banner.get_by_role("button", name="Dismiss").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("region", name="Announcement")).to_have_count(0)
    page.context.close()
