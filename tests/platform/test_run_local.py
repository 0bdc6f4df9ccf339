"""`make run PORT=8001` (scripts/run-local.sh) serves on that port and links in emails follow it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STUB = """#!/usr/bin/env bash
echo "$(basename "$0") $* SITE_URL=$SITE_URL" >> "{log}"
if [ "$(basename "$0")" = celery ]; then exec sleep 30; fi
"""


def run_local(tmp_path: Path, **env: str) -> list[str]:
    """Runs the script with stand-ins for python and celery that log how they were started."""
    log = tmp_path / "started.log"
    (tmp_path / "bin").mkdir()
    for name in ("python", "celery"):
        stub = tmp_path / "bin" / name
        stub.write_text(STUB.format(log=log))
        stub.chmod(0o755)
    clean = {key: value for key, value in os.environ.items() if key not in {"PORT", "SITE_URL"}}
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "run-local.sh")],
        env={**clean, "VENV": str(tmp_path), **env},
        capture_output=True,
        timeout=60,
        check=False,
    )
    return sorted(line for line in log.read_text().splitlines() if line.startswith("python"))


def test_run_local_serves_on_port_and_site_url_follows(tmp_path):
    assert run_local(tmp_path, PORT="8001") == [
        "python manage.py runserver 127.0.0.1:8001 --noreload SITE_URL=http://127.0.0.1:8001"
    ]


def test_run_local_keeps_a_site_url_that_is_set(tmp_path):
    assert run_local(tmp_path, PORT="8002", SITE_URL="https://bootcamp.example.org") == [
        "python manage.py runserver 127.0.0.1:8002 --noreload SITE_URL=https://bootcamp.example.org"
    ]


def test_settings_site_url_follows_port():
    clean = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)",
        ],
        cwd=ROOT,
        env={**clean, "PORT": "8001", "DJANGO_SETTINGS_MODULE": "lotibootcamp.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8001"
