"""Keyboard only: an officer signs in, books a mentor, logs weekly progress and signs out with Tab,
Shift+Tab, Enter and Space (and typing into fields). Every element focus lands on shows the GOV.UK
focus indicator (the yellow #ffdd00 outline, shadow or background, checked in its computed style),
and each step is screenshotted to var/screenshots/keyboard-*.png."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from mentoring.models import Booking
from projects.models import ProgressLog
from tests.conftest import SCREENSHOTS, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_YELLOW = "rgb(255, 221, 0)"
# What shows focus: the element's own style, or for GOV.UK radios and checkboxes (whose input is
# invisible) the ::before of their label.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  let target = el, pseudo = null;
  if (el.matches('.govuk-radios__input, .govuk-checkboxes__input')) {
    target = document.querySelector(`label[for="${el.id}"]`); pseudo = '::before';
  }
  const s = getComputedStyle(target, pseudo);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? s.outlineColor : '';
  return {
    element: el.outerHTML.slice(0, 120),
    styles: [outline, s.boxShadow, s.backgroundColor].join(' | '),
  };
}"""


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.unseen: list[str] = []  # elements that took focus without a visible indicator
        self.steps = 0

    def _check_focus(self) -> None:
        if self.page.evaluate("document.activeElement === document.body"):
            return
        focus = self.page.evaluate(FOCUS_STYLE)
        if FOCUS_YELLOW not in focus["styles"]:
            self.unseen.append(f"{self.page.url} {focus['element']} [{focus['styles']}]")

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 120) -> None:
        """Presses Tab (or Shift+Tab) until `selector` has focus, checking focus is visible at every stop."""
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            self._check_focus()
            if self.page.evaluate(f"document.activeElement.matches({selector!r})"):
                self.steps += 1
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                self.page.screenshot(path=str(SCREENSHOTS / f"keyboard-{self.steps:02d}.png"))
                return
        raise AssertionError(f"Tab never reached {selector} on {self.page.url}")

    def press(self, key: str) -> None:
        assert key in ("Enter", "Space")
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def test_officer_books_a_mentor_logs_progress_and_signs_out_by_keyboard_only(page):
    call_command("seed_demo", verbosity=0)
    keys = Keyboard(page)
    page.goto("/accounts/login/")

    keys.tab_to("input[name=username]")
    keys.type("officer@example.org")
    keys.tab_to("main .govuk-button")
    keys.press("Enter")
    page.wait_for_selector("input[name=password]")
    keys.tab_to("input[name=password]")
    keys.type("bootcamp-demo")
    keys.tab_to("main .govuk-button")
    keys.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")

    # Book a mentor: Mentoring → Browse mentors → Book a session → a time, an agenda, Book session.
    keys.tab_to("nav a[href='/mentoring/']")
    keys.press("Enter")
    page.wait_for_url("**/mentoring/")
    keys.tab_to("main a[href='/mentoring/mentors/']")
    keys.press("Enter")
    page.wait_for_url("**/mentoring/mentors/")
    keys.tab_to("main a[href$='/book/']")
    keys.press("Enter")
    page.wait_for_url("**/book/")
    assert_accessible(page, "keyboard-book")
    keys.tab_to("input[name=slot]")
    keys.press("Space")
    chosen = page.evaluate("document.activeElement.value")
    keys.tab_to("textarea[name=agenda]")
    keys.type("Blocking rules for our housing match")
    keys.tab_to("main .govuk-button")
    keys.press("Enter")
    page.wait_for_url("**/booked/")
    expect(page.get_by_role("heading", name="Session booked")).to_be_visible()
    booking = Booking.objects.filter(officer__email="officer@example.org").latest("created_at")
    assert (f"{booking.mentor_id}:{booking.starts_at:%Y%m%dT%H%M}", booking.agenda) == (
        chosen,
        "Blocking rules for our housing match",
    )

    # Weekly progress: My project → Write your weekly log → the fields in order → Save log.
    keys.tab_to("nav a[href='/projects/mine/']")
    keys.press("Enter")
    page.wait_for_url("**/projects/*/")
    keys.tab_to("main a[href*='/logs/new/']")
    keys.press("Enter")
    page.wait_for_url("**/logs/new/**")
    assert_accessible(page, "keyboard-log")
    week = page.locator("select[name=week_number]").input_value()
    keys.tab_to("textarea[name=what_i_did]")
    keys.type("Re-ran the linkage with a lower threshold.")
    keys.tab_to("textarea[name=whats_next]")
    keys.type("Present the findings.")
    keys.tab_to("input[name=rag_status]")
    keys.press("Space")
    keys.tab_to("input[name=hours]")
    keys.type("6")
    keys.tab_to("main .govuk-button")
    keys.press("Enter")
    expect(page.get_by_text(f"Your week {week} log has been saved")).to_be_visible()
    log = ProgressLog.objects.get(officer__email="officer@example.org", week_number=int(week))
    assert (log.what_i_did, log.rag_status, str(log.hours)) == (
        "Re-ran the linkage with a lower threshold.",
        "green",
        "6.0",
    )

    # Sign out: back up the page with Shift+Tab to the header's Sign out button.
    keys.tab_to("main button, main a", limit=200)
    keys.tab_to("nav button[type=submit]", backwards=True)
    keys.press("Enter")
    page.wait_for_url("**/accounts/login/**")
    expect(page.get_by_role("heading", name="Sign in to the Data Science Bootcamp")).to_be_visible()

    assert keys.unseen == []
