"""docker compose cannot run on this machine, so its file is checked as data: the services exist, their
commands name real modules, health checks and start-up order are declared."""

import importlib
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def command_of(name: str) -> str:
    command = SERVICES[name]["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_compose_declares_every_service():
    assert set(SERVICES) >= {"postgres", "redis", "web", "worker", "beat", "mailpit"}


def test_web_runs_gunicorn_on_a_real_wsgi_module():
    match = re.search(r"gunicorn\s+([\w.]+):(\w+)", command_of("web"))
    assert match, command_of("web")
    module = importlib.import_module(match.group(1))
    assert callable(getattr(module, match.group(2)))


def test_worker_and_beat_name_the_real_celery_app():
    for name, verb in (("worker", "worker"), ("beat", "beat")):
        match = re.search(r"celery\s+-A\s+([\w.]+)\s+" + verb, command_of(name))
        assert match, command_of(name)
        module = importlib.import_module(match.group(1))
        assert module.celery_app.main == "lotibootcamp"


def test_exactly_one_beat():
    beat = SERVICES["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    beats = [name for name in SERVICES if "command" in SERVICES[name] and " beat" in command_of(name)]
    assert beats == ["beat"]


def test_services_have_health_checks_and_start_in_order():
    for name in ("postgres", "redis", "web", "mailpit"):
        assert "healthcheck" in SERVICES[name], name
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_database_keeps_its_data_in_a_volume():
    volumes = SERVICES["postgres"]["volumes"]
    assert any(str(volume).startswith("pgdata:") for volume in volumes)
    assert "pgdata" in COMPOSE["volumes"]


def test_app_services_run_in_production_configuration():
    for name in ("web", "worker", "beat"):
        environment = SERVICES[name]["environment"]
        assert environment["ENVIRONMENT"] == "production"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")
