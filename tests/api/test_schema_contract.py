"""schemathesis walks every operation of /api/v1/ on the demo data, as programme staff and as an
officer: no 5xx, every response (problems too) matches the schema, and the officer's token never
returns another officer's rows. Examples per operation are bounded so the module stays well under
a minute."""

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from accounts.models import User
from api.models import ApiToken
from api.services import api_token_create
from projects.models import Project

EXAMPLES = 6

# Every check runs but one: positive_data_acceptance wants every schema-valid request answered 2xx, and
# the API rightly answers 400 to what OpenAPI cannot express (an end date before the start date, a time
# outside what PostgreSQL stores). The coverage and stateful phases are off to keep the module short.
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": EXAMPLES, "no-shrink": True, "deterministic": True},
        "checks": {"positive_data_acceptance": {"enabled": False}},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True), config=CONFIG)
schema.app = WSGIHandler()
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data once for the module, inside a transaction rolled back at its end; each test's own
    changes (audit rows, last use) are rolled back by its own savepoint."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # As Django's test client does: the WSGI app must not close the test's connection (and with it
    # the transaction the demo data lives in) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    rate = django_settings.API_RATE_LIMIT
    django_settings.API_RATE_LIMIT = "100000/minute"
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        staff = User.objects.get(email="staff@example.org")
        officer = User.objects.get(email="officer@example.org")
        TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
        _, staff_token = api_token_create(user=staff, name="contract", scope=ApiToken.Scope.PROGRAMME)
        _, officer_token = api_token_create(user=officer, name="contract")
        yield {"staff": staff_token, "officer": officer_token, "officer_user": officer}
        transaction.set_rollback(True)
    django_settings.API_RATE_LIMIT = rate
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@HYPOTHESIS
def test_api_contract_as_programme_staff(case, demo, db):
    case.call_and_validate(headers=_bearer(demo["staff"]))


@schema.parametrize()
@HYPOTHESIS
def test_api_contract_as_officer(case, demo, db):
    response = case.call_and_validate(headers=_bearer(demo["officer"]))
    if response.status_code == 200 and case.path == "/api/v1/projects/":
        mine = set(Project.objects.filter(officers=demo["officer_user"]).values_list("pk", flat=True))
        assert {row["id"] for row in response.json()["results"]} <= mine
