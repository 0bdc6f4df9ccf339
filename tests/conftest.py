"""Shared fixtures. With REQUIRE_SERVICES=1 or REQUIRE_BROWSER=1 (as in CI), a test that cannot reach
PostgreSQL, Redis, a Celery worker or Chromium fails instead of skipping, and any skip fails the run."""

import os
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

# Playwright's sync API runs an event loop in this thread; Django must still serve live_server here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def wait_for(predicate, timeout: float = 20.0) -> bool:
    """Polls until `predicate()` is true, for outcomes a real worker produces in its own time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def unavailable(reason: str, *, required: bool) -> None:
    if required:
        pytest.fail(f"{reason} (required in this run)", pytrace=False)
    pytest.skip(reason)


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if (REQUIRE_SERVICES or REQUIRE_BROWSER) and _skipped:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(f"{len(_skipped)} test(s) skipped where nothing may skip: failing the run", red=True)
        session.exitstatus = 1


def load_reference_data() -> None:
    """Re-runs every data migration (RunPython) of our apps, in migration order.

    Transactional tests (live server, real worker, threads) end with a flush that empties every
    table, including the reference data the migrations loaded (the London authorities, curriculum
    and milestone templates). Our data migrations are idempotent by convention, so running them
    again restores that data before each transactional test. (serialized_rollback cannot: once
    Playwright's sync API runs, this thread gets a new asgiref context and new connection objects
    that lack the contents serialized at set-up.)
    """
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    ours = {"accounts", "cohorts", "trainers", "projects", "mentoring", "notifications"}
    plan = []
    for leaf in loader.graph.leaf_nodes():
        if leaf[0] in ours:
            plan.extend(key for key in loader.graph.forwards_plan(leaf) if key not in plan)
    for key in plan:
        if key[0] not in ours:
            continue
        operations = [op for op in loader.graph.nodes[key].operations if isinstance(op, RunPython)]
        if not operations:
            continue
        # Each data migration runs against the models as they were at its point in history (a model
        # may have moved app since), rendered once per test session.
        if key not in _historical_apps:
            _historical_apps[key] = loader.project_state(key, at_end=True).apps
        for operation in operations:
            operation.code(_historical_apps[key], None)


_historical_apps: dict = {}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every factory user hashes a password; PBKDF2 at production strength costs ~0.3 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    load_reference_data()


@pytest.fixture
def postgres(db):
    """The test needs PostgreSQL itself (exclusion constraints, row locks, real concurrency)."""
    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL: set DATABASE_URL", required=REQUIRE_SERVICES)
    return connection


@pytest.fixture
def redis_url():
    url = settings.REDIS_URL
    if not url:
        unavailable("needs Redis: set REDIS_URL", required=REQUIRE_SERVICES)
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {url} is unreachable: {exc}", required=REQUIRE_SERVICES)
    return url


@pytest.fixture
def celery_worker(redis_url, transactional_db):
    """A real Celery worker, consuming from Redis in a thread of this process."""
    from celery.contrib.testing.worker import start_worker

    from lotibootcamp.celery import app

    queue = f"test-{os.getpid()}"
    app.conf.task_default_queue = queue
    # The worker thread's connection must close after each task (as with CONN_MAX_AGE=0), or the test
    # database cannot be dropped at the end of the run.
    database = connections.settings[DEFAULT_DB_ALIAS]
    max_age, database["CONN_MAX_AGE"] = database["CONN_MAX_AGE"], 0
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING") as worker:
            yield worker
    finally:
        app.conf.task_default_queue = "celery"
        database["CONN_MAX_AGE"] = max_age


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        unavailable(f"Chromium not found at {CHROMIUM}", required=REQUIRE_BROWSER)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def assert_accessible(page, name: str | None = None) -> None:
    """Runs axe with the WCAG 2.2 AA tags; any violation fails the test. Saves a screenshot too."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    if name:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    violations = results.response["violations"]
    assert violations == [], results.generate_report()
    csp_errors = [text for text in page.console_errors if "Content Security Policy" in text]
    assert csp_errors == []


def totp_code(secret_base32: str, *, after_step: int | None = None) -> str:
    """The authenticator app's code now, or for the next time step if the device has already accepted
    the current one (django-otp refuses a code twice); waits if even the next one is used."""
    import pyotp

    step = int(time.time() // 30)
    if after_step is not None and after_step >= step:
        while after_step > int(time.time() // 30):  # the code after next: wait for the clock to catch up
            time.sleep(0.5)
        step = after_step + 1
    return pyotp.TOTP(secret_base32).at(step * 30)


def device_code(user) -> str:
    """A code that the person's confirmed authenticator app would show."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.twofactor import secret_base32

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return totp_code(secret_base32(device.key), after_step=device.last_t)


def verify_client_session(client, user):
    """Marks the test client's session as having met the second factor, as the code step does: the
    session holds django-otp's id of a confirmed device of the user (one is made if they have none)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.twofactor import new_secret

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Test authenticator app", key=new_secret(), confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture(autouse=True)
def _force_login_meets_the_second_factor(request, monkeypatch):
    """client.force_login of programme staff or a mentor signs them in as if they had entered a code
    (they cannot use the service otherwise). Tests of the second factor itself mark themselves
    `unverified_login` to get Django's plain force_login."""
    if request.node.get_closest_marker("unverified_login"):
        return
    from django.test import Client

    from accounts.twofactor import requires_two_factor

    plain = Client.force_login

    def force_login(self, user, backend=None):
        plain(self, user, backend)
        if requires_two_factor(user):
            verify_client_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def sign_in(page, email: str, password: str = "bootcamp-demo") -> None:
    """Signs in through the form: the email first (it decides whether the organisation's own sign-in is
    used), then the password; for a person who owes a second factor, enters a code from their
    authenticator app, or sets one up first (reading the secret shown beside the QR code)."""
    from accounts.models import User

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/accounts/login/code/" in page.url:
        user = User.objects.get(email__iexact=email)
        page.get_by_label("Code from your authenticator app").fill(device_code(user))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    elif "/two-factor/set-up/" in page.url:
        secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
        page.get_by_label("Code from your authenticator app").fill(totp_code(secret))
        with page.expect_navigation():
            page.get_by_role("button", name="Set up and continue").click()
        with page.expect_navigation():
            page.get_by_role("link", name="I have saved my recovery codes").click()
