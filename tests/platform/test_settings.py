import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from lotibootcamp.celery import app

ROOT = Path(__file__).resolve().parents[2]


def run_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {
        key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "lotibootcamp.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_settings_refuse_to_start_without_required_variable(missing):
    env = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "bootcamp.example.org",
        "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/bootcamp",
    }
    del env[missing]
    result = run_settings(env)
    assert result.returncode != 0
    assert f"Production configuration needs {missing}" in result.stderr


def test_production_settings_refuse_sqlite():
    result = run_settings(
        {
            "ENVIRONMENT": "production",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "bootcamp.example.org",
            "DATABASE_URL": "sqlite:////tmp/bootcamp.sqlite3",
        }
    )
    assert result.returncode != 0
    assert "needs a PostgreSQL DATABASE_URL" in result.stderr


def test_production_settings_start_with_everything_set():
    result = run_settings(
        {
            "ENVIRONMENT": "production",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "bootcamp.example.org",
            "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/bootcamp",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_database_uses_health_checks():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_celery_runs_in_utc_with_json_only_and_time_limits():
    assert app.conf.timezone == "UTC"
    assert app.conf.enable_utc is True
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_time_limit == 120
    assert app.conf.task_soft_time_limit == 90


def test_beat_schedule_names_its_entries_for_what_they_do():
    schedule = app.conf.beat_schedule
    assert schedule["sweep-outbox"]["task"] == "notifications.sweep_outbox"
    app.loader.import_default_modules()  # the worker imports every app's tasks module the same way
    assert "notifications.sweep_outbox" in app.tasks


def test_broker_follows_redis_url():
    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL
        assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    else:
        assert app.conf.broker_url == "filesystem://"
