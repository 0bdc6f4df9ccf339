"""No input causes a 5xx. On the demo data, as each role (anonymous, officer, mentor, staff), every URL
pattern is requested by GET and POST with malformed values in its forms' fields and its list filters:
NUL and other control characters, huge text and numbers, negative numbers, unicode, impossible dates,
fields left out and fields sent twice. Hypothesis draws the values (bounded examples, fixed seed).

Concrete URLs and form fields are found the way a person finds them: by following the links and
reading the forms on the pages each role can reach, starting from the home page. A pattern no link
reaches is still requested, with its path filled from the demo data (or a placeholder)."""

import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from tests.platform.test_url_access import PATTERNS

pytestmark = pytest.mark.django_db

ROLES = (None, "officer@example.org", "mentor@example.org", "staff@example.org")
# Query parameters list pages read, beyond the fields their filter forms show.
FILTER_NAMES = (
    *("kind", "status", "organisation", "cohort", "stream", "week", "page", "q", "sort", "overdue", "next"),
    # common/listing.py filter panels (the walk also reads each panel's own fields from the page)
    *("recipient", "role", "when", "manager_decision", "created_from_0", "created_from_1", "created_from_2"),
    *("applied_to_0", "applied_to_1", "applied_to_2", "starts_from_0", "starts_from_1", "starts_from_2"),
)
SKIP = {"accounts:logout"}  # would end the role's session for the rest of the example
VISITS_PER_PATTERN = 1

# Malformed but printable: these reach the views, whose forms and filters must answer 200, 302, 400,
# 403, 404 or 405 with a field error, never 500.
MALFORMED = [
    "",
    "-1",
    "0",
    "-99999999999999999999999",
    "99999999999999999999999999999999",
    "1e309",
    "NaN",
    "2027-02-31",
    "31/02/2027",
    "0000-00-00",
    "2027-13-45T25:61",
    "../../etc/passwd",
    "javascript:alert(1)",
    '=HYPERLINK("http://x.example","y")',
    "<script>alert(1)</script>",
    "x" * 20_000,
    "🦆" * 300,
    "ﷺ\u202e\u200bÅ",
]
# Control characters: the middleware refuses the whole request with 400.
CONTROL = ["\x00", "a\x00b", "\x01\x1f\x7f", "\x1b[31m"]
DRAWN = st.one_of(
    st.sampled_from(MALFORMED),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), max_size=40),
)


@dataclass
class Form:
    action: str
    method: str
    fields: list[str] = field(default_factory=list)


class PageReader(HTMLParser):
    """The links and forms of one page."""

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []

    def handle_starttag(self, tag, attrs):
        attrs = {key: value for key, value in attrs if key != "name" or value != "csrfmiddlewaretoken"}
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.url, attrs["href"]))
        elif tag == "form":
            self.forms.append(
                Form(urljoin(self.url, attrs.get("action") or self.url), (attrs.get("method") or "get").lower())
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            self.forms[-1].fields.append(attrs["name"])


def pattern_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client) -> dict[str, dict[str, list[Form]]]:
    """Pattern name → concrete path → forms found on the way there (forms are keyed by their action)."""
    found: dict[str, dict[str, list[Form]]] = {}
    queue, queued = ["/"], {"/"}
    forms_by_action: dict[str, list[Form]] = {}
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        name = pattern_name(path)
        if name is None or name.startswith("admin:") or name in SKIP:
            continue
        visits = found.setdefault(name, {})
        if len(visits) >= VISITS_PER_PATTERN:
            continue
        visits[path] = []
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        reader = PageReader("http://testserver" + url)
        reader.feed(response.content.decode())
        for form in reader.forms:
            forms_by_action.setdefault(urlsplit(form.action).path, []).append(form)
        for link in reader.links + [form.action for form in reader.forms]:
            parts = urlsplit(link)
            if parts.netloc not in ("", "testserver"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in queued:
                queued.add(target)
                queue.append(target)
    for visits in found.values():
        for path in visits:
            visits[path] = forms_by_action.get(path, [])
    return found


def demo_pk(name: str) -> str:
    """A primary key for an unreached pattern: the first row of the model its URL name starts with."""
    app_label, colon, view = name.partition(":")
    if not colon:  # an unnamespaced pattern, such as an old address that only redirects
        return "1"
    first = view.split("_")[0]
    try:
        models = apps.get_app_config(app_label).get_models()
    except LookupError:  # a namespace that is not an app label (privacy: views of the home app)
        models = apps.get_models()
    for model in models:
        if model._meta.model_name.startswith(first):
            row = model._default_manager.order_by("pk").first()
            if row is not None:
                return str(row.pk)
    return "1"


def fill(name: str, route: str) -> str:
    values = {"slug": "pilot", "kind": "dpia", "action": "select", "token": "not-a-token", "uidb64": "MQ"}

    def value(match: re.Match) -> str:
        converter, _, param = match.group(1).rpartition(":")
        if converter == "int":
            return demo_pk(name)
        return values.get(param, "x")

    return "/" + re.sub(r"<([^>]+)>", value, route)


def targets_for(found: dict[str, dict[str, list[Form]]]) -> list[tuple[str, str, list[Form]]]:
    targets = []
    for name, route, _ in PATTERNS:
        if name.startswith("admin:") or name in SKIP:
            continue
        visits = found.get(name) or {fill(name, route): []}
        targets.extend((name, path, forms) for path, forms in visits.items())
    return targets


def hostile_data(rng: random.Random, values: list[str], names: list[str]) -> dict[str, list[str]]:
    """Each field: left out, sent once, or sent twice, with values drawn from `values`."""
    data = {}
    for name in names:
        copies = rng.choice((0, 1, 1, 2))
        if copies:
            data[name] = [rng.choice(values) for _ in range(copies)]
    return data


def variants(rng: random.Random, values: list[str], names: list[str]) -> list[dict[str, list[str]]]:
    """Malformed values in the fields, and the same fields all holding one control character."""
    control = rng.choice(CONTROL)
    return [hostile_data(rng, values, names), {name: [control] for name in names}]


def request(client: Client, method: str, path: str, data: dict) -> str | None:
    """None, or what went wrong: a 5xx or an exception the view raised."""
    try:
        with transaction.atomic():  # a database error rolls back to here, not the whole test
            response = getattr(client, method)(path, data)
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    return f"status {response.status_code}" if response.status_code >= 500 else None


def test_no_malformed_input_causes_a_server_error():
    call_command("seed_demo", verbosity=0)
    clients, targets = {}, {}
    for email in ROLES:
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        clients[email], targets[email] = client, targets_for(crawl(client))
    # Reached by following links as some role: most patterns are walked with real objects and real forms.
    reached = {name for email in ROLES for name, path, forms in targets[email] if forms}
    assert {"notifications:outbox", "cohorts:cohort_create", "projects:log_create", "mentoring:book"} <= reached
    failures: dict[str, str] = {}

    @settings(
        max_examples=2,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    # Hypothesis draws the values and a seed; the seed decides which field gets which value, which
    # fields are left out and which are sent twice (thousands of fields would overrun Hypothesis's
    # own choice buffer if each were a draw).
    @given(drawn=st.lists(DRAWN, max_size=6), seed=st.integers(min_value=0, max_value=2**32))
    def walk(drawn, seed):
        rng, values = random.Random(seed), MALFORMED + drawn
        for email in ROLES:
            client = clients[email]
            for name, path, forms in targets[email]:
                filters = [*FILTER_NAMES, *(n for f in forms if f.method == "get" for n in f.fields)]
                posts = [f.fields for f in forms if f.method == "post"] or [[]]
                sends = [("get", data) for data in variants(rng, values, filters)]
                sends += [("post", data) for fields in posts for data in variants(rng, values, fields)]
                for method, data in sends:
                    if problem := request(client, method, path, data):
                        failures.setdefault(f"{email or 'anonymous'} {method.upper()} {path} ({name})", problem)
            if email:  # a POST may have signed the role out (password change); sign back in
                client.force_login(User.objects.get(email=email))

    walk()
    assert failures == {}
