"""Benchmark: requests per second and 95th-percentile latency with 10 concurrent signed-in clients, the
app served by gunicorn (2 workers, production settings) on the loopback address only.

Run after benchmarks/pages.py, which leaves its database (lotibootcamp_bench_pages) at scale:
    .venv/bin/python benchmarks/http_load.py [--seconds 10]
It needs wrk from Debian (`apt-get install wrk`, version 4.1.0 tested) and PostgreSQL as pages.py
does. Each page gets `--seconds` of load (10 by default) from 10 wrk connections, each its own
thread with its own signed-in session. The whole run is bounded: wrk stops itself, gunicorn is
stopped at the end (and at most after 15 minutes), and nothing listens beyond 127.0.0.1. Each page
gets one second of load first, not counted (workers warming up). The cache is Redis (database 4, or
BENCH_REDIS_URL), emptied at the start: pages that keep their figures (common/fresh.py) work them out
on their first request and serve them kept after that, as between two writes in production.

Production settings on plain HTTP: requests carry X-Forwarded-Proto: https, as the TLS proxy in
front of the service would send, so the HTTPS redirect and secure cookies behave as in production.
"""

import argparse
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lotibootcamp_bench_pages")
SECRET_KEY = "bench-" + secrets.token_urlsafe(40)
PRODUCTION_ENV = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": SECRET_KEY,
    "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": DATABASE_URL,
    # Redis, as in production: the pages that keep figures (common/fresh.py) keep them there, shared by
    # both workers. Its own database number, emptied before the run.
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4"),
    "EMAIL_URL": "memorymail://",
    "DEBUG": "false",
}
os.environ.update(PRODUCTION_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lotibootcamp.settings")
CLIENTS = 10
WORKERS = 2
LIMIT_SECONDS = 15 * 60
WRK = shutil.which("wrk") or "/usr/bin/wrk"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402

PAGES = [
    ("staff@example.org", "/", "staff dashboard"),
    ("staff@example.org", "/cohorts/pilot/", "cohort page"),
    ("staff@example.org", "/cohorts/scale-recruiting/applications/", "applications (200)"),
    ("staff@example.org", "/projects/cohort/pilot/", "projects of a cohort"),
    ("staff@example.org", "/trainers/impact/", "impact"),
    ("staff@example.org", "/notifications/outbox/", "outbox"),
    ("officer@example.org", "/", "officer home"),
    ("mentor@example.org", "/", "mentor home"),
]

# Each wrk thread holds one connection and one session cookie; done() prints the figures we report.
LUA = """
local cookies = {%(cookies)s}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("cookie", cookies[counter])
end
function init(args)
  wrk.headers["Cookie"] = cookie
  wrk.headers["X-Forwarded-Proto"] = "https"
end
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %%d %%.3f %%.1f %%.1f %%d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, errors))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sessions(email: str) -> list[str]:
    """CLIENTS separate signed-in sessions for one person, as the session cookie values."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.twofactor import new_secret, requires_two_factor

    user = User.objects.get(email=email)
    device = None
    if requires_two_factor(user):  # past the second factor, as a code leaves the session; else each
        # request would be a redirect to the code step, and the redirect is what wrk would measure
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="benchmark", key=new_secret(), confirmed=True
        )
    values = []
    for _ in range(CLIENTS):
        client = Client()
        client.force_login(user)
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        response = client.get("/", SERVER_NAME="127.0.0.1", secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{email}'s session is not signed in: / answered {response.status_code}")
        values.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return values


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not start within 60 s")


def run_wrk(port: int, path: str, cookies: list[str], seconds: int, script_dir: Path) -> tuple:
    script = script_dir / "session.lua"
    cookie_list = ", ".join(f'"{settings.SESSION_COOKIE_NAME}={value}"' for value in cookies)
    script.write_text(LUA % {"cookies": cookie_list})
    output = subprocess.run(  # noqa: S603  our own fixed arguments
        [
            WRK,
            f"-t{CLIENTS}",
            f"-c{CLIENTS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, duration, p50, p95, errors = line.split()[1:]
    return int(requests) / float(duration), float(p50), float(p95), int(errors), int(requests)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not Path(WRK).exists():
        raise SystemExit("wrk is not installed: apt-get install wrk")
    if not User.objects.filter(email="staff@example.org").exists():
        raise SystemExit("Run benchmarks/pages.py first: it builds the database at scale.")
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.core.cache import cache

    cache.clear()  # the benchmark's own Redis database: nothing kept from an earlier run
    port = free_port()
    env = {**os.environ, **PRODUCTION_ENV}
    server = subprocess.Popen(  # noqa: S603  our own fixed arguments
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "lotibootcamp.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    signal.signal(signal.SIGALRM, lambda *_: os.killpg(server.pid, signal.SIGTERM))
    signal.alarm(LIMIT_SECONDS)
    results = []
    load_before = os.getloadavg()
    try:
        wait_until_up(port, server)
        cookies = {email: sessions(email) for email in {email for email, _, _ in PAGES}}
        with tempfile.TemporaryDirectory() as tmp:
            # A server's steady state: one second of load on each page first (not counted), so that
            # both workers have imported and compiled what the pages use before anything is timed.
            for email, path, _ in PAGES:
                run_wrk(port, path, cookies[email], 1, Path(tmp))
            for email, path, name in PAGES:
                results.append((name, path, *run_wrk(port, path, cookies[email], args.seconds, Path(tmp))))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        signal.alarm(0)
    load_after = os.getloadavg()
    print(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")
    print(f"Load average (1, 5, 15 min) before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    print(f"Load average (1, 5, 15 min) after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print(f"gunicorn {WORKERS} workers, production settings, wrk {CLIENTS} connections for {args.seconds} s a page")
    print("| page | path | requests/s | p50 ms | p95 ms | errors | requests |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, path, rate, p50, p95, errors, requests in results:
        print(f"| {name} | `{path}` | {rate:.1f} | {p50:.0f} | {p95:.0f} | {errors} | {requests} |")


if __name__ == "__main__":
    main()
