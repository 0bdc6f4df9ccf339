"""Every form a demo role reaches, submitted in Chromium with bad input, comes back from the server
with the GOV.UK error summary (and axe clean): the browser never stops it with a tooltip of its own.

The walk starts at each role's navigation and follows the links on those pages one step further, so a
new form is tested without being listed here. Forms that hold no field a person types into (buttons
such as Sign out or Accept) are left to their own tests."""

import re
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["staff@example.org", "mentor@example.org", "officer@example.org", "grad1@example.org"]
# Bad answers by input type: below every range, not an email, not a web link, far too long.
BAD = {"number": "-5", "email": "not an email", "url": "javascript:alert(1)", "text": "", "textarea": "x" * 4000}
SKIP = re.compile(r"/accounts/logout|/password-change|/admin|\.csv$|\.ics$|/calendar/")


def _shape(path: str) -> str:
    return re.sub(r"/\d+/", "/N/", re.sub(r"/[0-9a-f-]{20,}/", "/T/", path))


def _links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("main a[href], nav a[href]", "els => els.map(e => e.href)")
    return [h for h in hrefs if h.startswith(origin) and not SKIP.search(urlparse(h).path)]


def _unseen(urls: list[str], seen: set[str]) -> list[str]:
    """One address for each shape no role has shown yet (/projects/4/ and /projects/7/ are one)."""
    fresh = []
    for url in urls:
        shape = _shape(urlparse(url).path)
        if shape not in seen:
            seen.add(shape)
            fresh.append(url)
    return fresh


def _pages(page, origin: str, seen: set[str]) -> list[str]:
    """The role's pages up to two steps from its home page."""
    page.goto("/")
    first = _unseen(_links(page, origin), seen)
    second = []
    for url in first:
        page.goto(url)
        second += _unseen(_links(page, origin), seen)
    return first + second


def _fill_badly(form) -> int:
    filled = 0
    for field in form.locator("input:visible:enabled:not([readonly]), textarea:visible:enabled").all():
        kind = field.evaluate("e => e.tagName === 'TEXTAREA' ? 'textarea' : (e.type || 'text')")
        if kind in BAD:
            field.fill(BAD[kind])
            filled += 1
    return filled


def test_every_form_answers_bad_input_with_the_govuk_error_summary(page, live_server):
    call_command("seed_demo", verbosity=0)
    origin = live_server.url
    seen: set[str] = set()
    checked = []
    for email in ROLES:
        page.context.clear_cookies()
        sign_in(page, email)
        page.wait_for_url(f"{origin}/")
        for url in _pages(page, origin, seen):
            page.goto(url)
            forms = page.locator("main form[method='post']")
            for index in range(forms.count()):
                form = forms.nth(index)
                if not _fill_badly(form):
                    continue
                with page.expect_navigation():
                    form.locator("button[type='submit'], button:not([type]), input[type='submit']").first.click()
                summary = page.locator(".govuk-error-summary")
                assert summary.count() == 1, f"{email}: {url} form {index} was accepted or has no error summary"
                assert page.title().startswith("Error: ")
                assert_accessible(page)
                checked.append(_shape(urlparse(url).path))
                page.goto(url)
                forms = page.locator("main form[method='post']")
    # The walk really met the forms of every app.
    assert {"/cohorts/new/", "/accounts/people/add/"} <= set(checked), checked
    assert len(checked) >= 8, checked
