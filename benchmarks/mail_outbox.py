"""Benchmark: the outbox loses no mail when its worker is killed mid-send or its broker goes away.

1. Worker killed: 200 emails are queued to a real Celery worker (prefork, concurrency 2) on Redis,
   sending by SMTP to a sink in this process. When the sink has 100, the worker and its children
   get SIGKILL; a new worker starts at once. Counted at the sink: lost (never delivered),
   duplicates (delivered more than once, and whether each repeat had the same Message-ID), rows not
   `sent`, and the time from the restart to the last delivery.
2. Broker outage: the broker is stopped for 60 s while password-reset requests arrive (one a
   second, each queuing an email) through Django's test client; it then starts again, empty.
   Counted: failed requests (5xx or exceptions), emails lost, and the time from the broker's return
   to the last delivery.

Beat runs beside the worker with the project's schedule (the sweeper every minute). The broker is a
redis-server this script starts on a free loopback port (never the shared 6379 one), without
persistence, so a restart loses every task in it; PostgreSQL is the database `lotibootcamp_bench_mail`
(created if missing). Not part of `make test`.

Run: .venv/bin/python benchmarks/mail_outbox.py
"""

import email
import os
import platform
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lotibootcamp_bench_mail")
CONCURRENCY = 2
TOTAL = 200
SINK_DELAY = float(os.environ.get("BENCH_SINK_DELAY", "0.2"))  # seconds from the data to the 250 answer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


REDIS_PORT = free_port()
SMTP_PORT = free_port()
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "lotibootcamp.settings",
    "DATABASE_URL": URL,
    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
    "CONN_MAX_AGE": "0",
}
os.environ.update(ENV)


def ensure_database() -> None:
    import psycopg2

    parts = urlparse(URL)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres", password=parts.password
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


# --- an SMTP sink on 127.0.0.1 ----------------------------------------------------------------------


class Sink:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[float, str, str]] = []  # (time, outbox reference, Message-ID)

    def record(self, data: bytes) -> None:
        parsed = email.message_from_bytes(data)
        with self.lock:
            self.received.append((time.monotonic(), parsed["X-Outbox-Reference"], parsed["Message-ID"]))

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def clear(self) -> None:
        with self.lock:
            self.received = []


SINK = Sink()


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: the message counts as accepted once its data ends."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        data: list[bytes] | None = None
        while line := self.rfile.readline():
            if data is not None:
                if line.rstrip(b"\r\n") == b".":
                    SINK.record(b"".join(data))
                    data = None
                    time.sleep(SINK_DELAY)
                    self.reply("250 OK queued")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb == b"DATA":
                data = []
                self.reply("354 End data with <CR><LF>.<CR><LF>")
            elif verb == b"QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


class ThreadingSmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


# --- processes ------------------------------------------------------------------------------------


class Processes:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.redis: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None

    def _start(self, args: list[str], log: str) -> subprocess.Popen:
        out = open(self.workdir / log, "ab")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=out, stderr=out, start_new_session=True)  # noqa: S603

    def start_redis(self) -> None:
        self.redis = self._start(
            [shutil.which("redis-server"), "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            "redis.log",
        )  # fmt: skip
        import redis

        client = redis.Redis(port=REDIS_PORT)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop_redis(self) -> None:
        self.redis.send_signal(signal.SIGTERM)
        self.redis.wait(10)

    def start_worker(self) -> None:
        celery = str(ROOT / ".venv" / "bin" / "celery")
        self.worker = self._start(
            [celery, "-A", "lotibootcamp", "worker", "--pool", "prefork", "-c", str(CONCURRENCY), "-l", "WARNING"],
            "worker.log",
        )

    def kill_worker(self) -> None:
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(10)

    def start_beat(self) -> None:
        celery = str(ROOT / ".venv" / "bin" / "celery")
        schedule = self.workdir / "celerybeat-schedule"
        self.beat = self._start(
            [celery, "-A", "lotibootcamp", "beat", "-s", str(schedule), "-l", "WARNING"], "beat.log"
        )

    def stop_all(self) -> None:
        for process in (self.worker, self.beat, self.redis):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def tally(refs_expected: set[str], since: float):
    with SINK.lock:
        received = list(SINK.received)
    by_ref = Counter(ref for _, ref, _ in received)
    ids = {}
    same_id = True
    for _, ref, message_id in received:
        same_id &= ids.setdefault(ref, message_id) == message_id
    lost = len(refs_expected - set(by_ref))
    duplicates = sum(n - 1 for n in by_ref.values())
    last = max((at for at, _, _ in received), default=since)
    return lost, duplicates, same_id, last - since


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from accounts.models import User
    from notifications import services
    from notifications.models import Message

    call_command("migrate", verbosity=0)
    Message.objects.all().delete()
    User.objects.filter(email__endswith="@bench.example.org").delete()
    workdir = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    server = ThreadingSmtpServer(("127.0.0.1", SMTP_PORT), SmtpHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    processes = Processes(workdir)
    results: dict[str, object] = {}
    try:
        processes.start_redis()
        processes.start_beat()
        processes.start_worker()

        # 1. Worker killed halfway.
        user = User.objects.create_user(email="reader@bench.example.org", password=None, full_name="Bench Reader")
        with transaction.atomic():
            for n in range(TOTAL):
                services.message_queue(
                    recipient=None,
                    to_email=f"reader{n}@bench.example.org",
                    kind="welcome",
                    dedup_key=f"bench:kill:{n}",
                    template="welcome",
                    context={"user": user, "set_password_url": "https://example.org/set", "added_by": None},
                )
        refs = {f"outbox-{pk}" for pk in Message.objects.values_list("pk", flat=True)}
        if not wait_until(lambda: SINK.count() >= TOTAL // 2, 120):
            raise RuntimeError("the worker did not send half the mail in 2 minutes")
        processes.kill_worker()
        in_flight = Message.objects.filter(status=Message.Status.SENDING).count()
        at_kill = SINK.count()
        restart = time.monotonic()
        processes.start_worker()
        done = wait_until(lambda: not Message.objects.exclude(status=Message.Status.SENT).exists(), 360)
        time.sleep(5)  # anything still arriving counts
        lost, duplicates, same_id, took = tally(refs, restart)
        results["kill"] = {
            "queued": TOTAL,
            "delivered before the kill": at_kill,
            "rows sending at the kill": in_flight,
            "lost": lost,
            "duplicates": duplicates,
            "repeats had the same Message-ID": same_id,
            "rows not sent": Message.objects.exclude(status=Message.Status.SENT).count(),
            "rows delivery unknown": Message.objects.filter(delivery_unknown=True).count(),
            "all sent": done,
            "restart to last delivery (s)": round(took, 1),
        }

        # 2. Broker stopped for 60 s while requests queue mail.
        SINK.clear()
        Message.objects.all().delete()
        people = [
            User.objects.create_user(email=f"reset{n}@bench.example.org", password="bench-password-1", full_name="R")  # noqa: S106
            for n in range(60)
        ]
        client = Client(HTTP_HOST="127.0.0.1")
        statuses: Counter = Counter()
        slowest = 0.0
        processes.stop_redis()
        outage_start = time.monotonic()
        for person in people:
            started = time.monotonic()
            try:
                response = client.post("/accounts/password-reset/", {"email": person.email})
                statuses[response.status_code] += 1
            except Exception as exc:  # a request that raised is a failed request
                statuses[type(exc).__name__] += 1
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(max(0.0, outage_start + (people.index(person) + 1) - time.monotonic()))
        processes.start_redis()
        back = time.monotonic()
        refs = {f"outbox-{pk}" for pk in Message.objects.values_list("pk", flat=True)}
        done = wait_until(lambda: not Message.objects.exclude(status=Message.Status.SENT).exists(), 300)
        time.sleep(5)
        lost, duplicates, same_id, took = tally(refs, back)
        results["outage"] = {
            "requests": len(people),
            "responses": dict(statuses),
            "failed requests": sum(
                n for status, n in statuses.items() if not (isinstance(status, int) and status < 500)
            ),
            "slowest request (s)": round(slowest, 2),
            "emails queued": len(refs),
            "lost": lost,
            "duplicates": duplicates,
            "all sent": done,
            "broker back to last delivery (s)": round(took, 1),
        }
    finally:
        processes.stop_all()
        server.shutdown()

    print(f"Machine: {os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}")
    print(f"Logs: {workdir}")
    for part, numbers in results.items():
        print(f"\n{part}")
        for name, value in numbers.items():
            print(f"  {name}: {value}")


if __name__ == "__main__":
    main()
