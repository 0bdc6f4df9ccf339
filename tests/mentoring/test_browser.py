import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from mentoring.models import Booking
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Presses Tab until the element matching `selector` has focus: keyboard only, no clicks."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_officer_books_office_hours_by_keyboard_only(page):
    call_command("seed_demo", verbosity=0)
    before = Booking.objects.filter(officer__email="officer@example.org").count()
    sign_in(page, "officer@example.org")
    page.wait_for_url("**/")
    assert_accessible(page, "mentoring-home-officer")
    page.goto("/mentoring/office-hours/")
    assert_accessible(page, "mentoring-office-hours")

    tab_to(page, "input[name=slot]")
    page.keyboard.press("Space")
    chosen = page.evaluate("document.activeElement.value")
    tab_to(page, "textarea[name=agenda]")
    page.keyboard.type("Blocking rules for our housing and council tax match")
    tab_to(page, "main .govuk-button")
    page.keyboard.press("Enter")

    page.wait_for_url("**/booked/")
    expect(page.get_by_role("heading", name="Session booked")).to_be_visible()
    assert_accessible(page, "mentoring-booked")
    booking = Booking.objects.filter(officer__email="officer@example.org").latest("created_at")
    assert Booking.objects.filter(officer__email="officer@example.org").count() == before + 1
    assert f"{booking.mentor_id}:{booking.starts_at:%Y%m%dT%H%M}" == chosen
    assert booking.agenda == "Blocking rules for our housing and council tax match"

    page.goto(f"/mentoring/sessions/{booking.pk}/")
    assert_accessible(page, "mentoring-session")


def test_mentor_adds_a_one_off_time_and_leave_and_staff_see_utilisation(page):
    from datetime import time, timedelta

    from django.utils import timezone

    from cohorts.models import Cohort
    from tests.factories import AvailabilityWindowFactory, CohortFactory, EnrolmentFactory, StaffFactory

    window = AvailabilityWindowFactory(weekday=1, starts_time=time(10), ends_time=time(16))
    mentor = window.mentor
    mentor.set_password("bootcamp-demo")
    mentor.save()
    day = timezone.localdate() + timedelta(days=8)

    sign_in(page, mentor.email)
    page.goto("/mentoring/availability/")
    one_off = page.locator("form[action='/mentoring/availability/one-off/']")
    one_off.get_by_label("Day").fill(str(day.day))
    one_off.get_by_label("Month").fill(str(day.month))
    one_off.get_by_label("Year").fill(str(day.year))
    one_off.get_by_label("From").fill("15:00")
    one_off.get_by_label("To").fill("13:00")
    one_off.get_by_role("button", name="Add one-off time").click()
    expect(page.get_by_role("link", name="The end time must be after the start time")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page, "mentoring-availability-error")

    one_off.get_by_label("From").fill("13:00")
    one_off.get_by_label("To").fill("15:00")
    one_off.get_by_role("button", name="Add one-off time").click()
    expect(page.get_by_text(f"Time added on {day:%A} {day.day} {day:%B}.")).to_be_visible()

    leave = page.locator("form[action='/mentoring/availability/leave/']")
    for label, when in (("First day away", day + timedelta(days=1)), ("Last day away", day + timedelta(days=3))):
        group = leave.get_by_role("group", name=label)
        group.get_by_label("Day").fill(str(when.day))
        group.get_by_label("Month").fill(str(when.month))
        group.get_by_label("Year").fill(str(when.year))
    leave.get_by_label("Reason (optional)").fill("Conference")
    leave.get_by_role("button", name="Add leave").click()
    expect(page.get_by_text("Leave added.")).to_be_visible()
    expect(page.get_by_role("cell", name="Conference")).to_be_visible()
    assert_accessible(page, "mentoring-availability")
    assert list(mentor.availability_windows.filter(on_date=day).values_list("starts_time", "ends_time")) == [
        (time(13), time(15))
    ]
    away = [(day + timedelta(days=1), day + timedelta(days=3))]
    assert list(mentor.leave.values_list("starts_on", "ends_on")) == away

    from tests.factories import MentorAllocationFactory

    MentorAllocationFactory.create_batch(11, mentor=mentor)
    page.goto("/")
    page.get_by_role("link", name="See all 11 of your mentees").click()
    page.wait_for_url("**/mentoring/mentees/")
    expect(page.get_by_text("11 officers you are lead mentor for")).to_be_visible()
    assert page.locator("main tbody tr").count() == 11
    assert_accessible(page, "mentoring-mentees")

    cohort = CohortFactory(status=Cohort.Status.RUNNING, start_date=timezone.localdate() - timedelta(days=14))
    EnrolmentFactory(cohort=cohort)
    staff = StaffFactory()
    staff.set_password("bootcamp-demo")
    staff.save()
    page.context.clear_cookies()
    sign_in(page, staff.email)
    page.goto("/mentoring/utilisation/")
    expect(page.get_by_role("img", name=f"Mentor hours offered, booked and used in {cohort.name}")).to_be_visible()
    assert_accessible(page, "mentoring-utilisation")
