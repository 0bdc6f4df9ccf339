"""No state change on GET: every URL pattern, requested by GET as each role on the demo data, writes
nothing to the database (sign-in bookkeeping aside)."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.platform.test_url_access import PATTERNS

pytestmark = pytest.mark.django_db

# Tables that sign-in itself writes to: the session and the throttle's records.
BOOKKEEPING = ("django_session", "axes_", "accounts_user")
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


def test_get_never_writes_for_any_role(client):
    call_command("seed_demo", verbosity=0)
    offenders = {}
    for email in ("staff@example.org", "mentor@example.org", "officer@example.org", "grad1@example.org"):
        client.force_login(User.objects.get(email=email))
        for name, route, _ in PATTERNS:
            url = concrete(route)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            if found := writes(queries.captured_queries):
                offenders[f"{email} GET {url} ({name})"] = found
    assert offenders == {}
