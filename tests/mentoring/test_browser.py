import pytest
from django.core.management import call_command

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
    assert page.get_by_role("heading", name="Session booked").is_visible()
    assert_accessible(page, "mentoring-booked")
    booking = Booking.objects.filter(officer__email="officer@example.org").latest("created_at")
    assert Booking.objects.filter(officer__email="officer@example.org").count() == before + 1
    assert f"{booking.mentor_id}:{booking.starts_at:%Y%m%dT%H%M}" == chosen
    assert booking.agenda == "Blocking rules for our housing and council tax match"

    page.goto(f"/mentoring/sessions/{booking.pk}/")
    assert_accessible(page, "mentoring-session")
