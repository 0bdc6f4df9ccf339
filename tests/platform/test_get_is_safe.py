"""Every URL pattern, requested by GET as each role on the demo data: no state change on GET (nothing
written to the database, sign-in bookkeeping aside), and no inline script or style on any page (the
CSP would block them)."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.platform.test_url_access import PATTERNS

pytestmark = pytest.mark.django_db

# Tables that sign-in itself writes to: the session and the throttle's records; and the access record
# of a read: the audit log (every API request, private records viewed) and an API token's last use.
BOOKKEEPING = ("django_session", "axes_", "accounts_user", "audit_auditevent", "api_apitoken")
VALUES = {"slug": "pilot", "kind": "dpia", "action": "select", "token": "not-a-token", "uidb64": "MQ"}


def concrete(route: str) -> str:
    def value(match: re.Match) -> str:
        converter, _, name = match.group(1).rpartition(":")
        if converter == "int" or name.endswith(("pk", "_id")):
            return "1"
        return VALUES.get(name, "x")

    return "/" + re.sub(r"<([^>]+)>", value, route)


def writes(queries) -> list[str]:
    found = []
    for query in queries:
        sql = query["sql"].lstrip().upper()
        if sql.startswith(("INSERT", "UPDATE", "DELETE")) and not any(t.upper() in sql for t in BOOKKEEPING):
            found.append(query["sql"][:120])
    return found


ROLES = ("staff@example.org", "mentor@example.org", "officer@example.org", "grad1@example.org")


def inline_code(html: str) -> list[str]:
    return re.findall(r"<script(?![^>]*\ssrc=)[^>]*>|\sstyle=\"|<style", html)


GOVUK_CLASS = {
    "text": "govuk-input",
    "email": "govuk-input",
    "number": "govuk-input",
    "url": "govuk-input",
    "password": "govuk-input",
    "file": "govuk-file-upload",
}


def form_defects(html: str) -> list[str]:
    """What would let the browser, not the GOV.UK error summary, answer bad input, or leave an input
    unstyled: a form without novalidate, an input without its GOV.UK class, a silent maxlength."""
    defects = [tag for tag in re.findall(r"<form[^>]*>", html) if "novalidate" not in tag]
    for tag in re.findall(r"<input[^>]*>", html):
        kind = re.search(r'type="(\w+)"', tag)
        kind = kind.group(1) if kind else "text"
        if kind in GOVUK_CLASS and GOVUK_CLASS[kind] not in tag:
            defects.append(tag)
        if "maxlength" in tag:
            defects.append(tag)
    return defects


def test_get_never_writes_and_pages_carry_no_inline_code_for_any_role(client):
    call_command("seed_demo", verbosity=0)
    writers, inline, forms, reached = {}, {}, {}, set()
    for email in ROLES:
        client.force_login(User.objects.get(email=email))
        for name, route, _ in PATTERNS:
            url = concrete(route)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if found := writes(queries.captured_queries):
                writers[f"{email} GET {url} ({name})"] = found
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                reached.add(name)
                if found := inline_code(response.content.decode()):
                    inline[f"{email} GET {url} ({name})"] = found
                if found := form_defects(response.content.decode()):
                    forms[f"{email} GET {url} ({name})"] = found
    assert writers == {}
    assert inline == {}
    assert forms == {}
    # The walk really reached pages of every app (URLs with ids depend on which rows exist).
    assert {
        "home",
        "accounts:people_list",
        "cohorts:cohort_list",
        "cohorts:cohort_detail",
        "projects:cohort_projects",
        "projects:showcase",
        "mentoring:booking_list",
        "mentoring:office_hours",
        "notifications:outbox",
        "trainers:impact_summary",
    } <= reached
