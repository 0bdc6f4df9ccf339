import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.models import ApiToken
from api.services import TokenRefused, api_token_create, api_token_revoke, token_hash
from audit.actions import Action
from audit.models import AuditEvent
from tests.factories import EnrolmentFactory, OfficerFactory, ProjectFactory, RunningCohortFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _get(path: str, raw: str):
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_token_create_stores_only_a_hash_and_expires_in_90_days():
    officer = OfficerFactory()
    token, raw = api_token_create(user=officer, name="notebook")
    assert raw.startswith(f"lbc_{token.prefix}_")
    assert token.key_hash == token_hash(raw)
    assert raw not in {token.key_hash, token.prefix}
    assert (token.expires_at - token.created_at).days == 90
    assert AuditEvent.objects.filter(action=Action.API_TOKEN_CREATED, actor=officer).count() == 1


def test_programme_token_needs_staff_and_two_factor():
    with pytest.raises(TokenRefused):
        api_token_create(user=OfficerFactory(), name="x", scope=ApiToken.Scope.PROGRAMME)
    staff = StaffFactory()
    with pytest.raises(TokenRefused, match="two-factor"):
        api_token_create(user=staff, name="x", scope=ApiToken.Scope.PROGRAMME)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    token, _ = api_token_create(user=staff, name="x", scope=ApiToken.Scope.PROGRAMME)
    assert token.scope == ApiToken.Scope.PROGRAMME


def test_revoked_token_answers_401_problem_json():
    officer = OfficerFactory()
    token, raw = api_token_create(user=officer, name="notebook")
    assert _get("/api/v1/projects/", raw).status_code == 200
    api_token_revoke(token=token, actor=officer)
    response = _get("/api/v1/projects/", raw)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401
    assert "revoked" in response.json()["detail"]


def test_wrong_secret_and_no_token_are_401():
    _, raw = api_token_create(user=OfficerFactory(), name="notebook")
    assert _get("/api/v1/projects/", raw[:-2] + "xx").status_code == 401
    assert Client().get("/api/v1/projects/").status_code == 401


def test_staff_own_data_token_reads_as_non_staff():
    staff = StaffFactory()
    ProjectFactory()
    _, raw = api_token_create(user=staff, name="mine")
    assert _get("/api/v1/projects/", raw).json()["count"] == 0
    assert _get("/api/v1/enrolments/", raw).status_code == 403


def test_programme_token_reads_every_project():
    staff = StaffFactory()
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    ProjectFactory()
    ProjectFactory()
    _, raw = api_token_create(user=staff, name="all", scope=ApiToken.Scope.PROGRAMME)
    assert _get("/api/v1/projects/", raw).json()["count"] == 2


def test_every_request_is_audited_with_endpoint_and_rows():
    cohort = RunningCohortFactory()
    officer = EnrolmentFactory(cohort=cohort).officer
    ProjectFactory(cohort=cohort, officers=[officer])
    token, raw = api_token_create(user=officer, name="notebook")
    _get("/api/v1/projects/", raw)
    event = AuditEvent.objects.get(action=Action.API_READ)
    assert event.actor == officer
    assert event.detail["endpoint"] == "/api/v1/projects/"
    assert event.detail["rows"] == 1
    assert event.detail["status"] == 200
    assert event.object_id == str(token.pk)


def test_requests_past_the_rate_limit_get_429(settings):
    settings.API_RATE_LIMIT = "2/minute"
    _, raw = api_token_create(user=OfficerFactory(), name="notebook")
    assert [_get("/api/v1/cohorts/", raw).status_code for _ in range(3)] == [200, 200, 429]
    response = _get("/api/v1/cohorts/", raw)
    assert response["Content-Type"] == "application/problem+json"
    assert "Retry-After" in response


def test_create_api_token_command_prints_a_working_token(capsys):
    officer = OfficerFactory()
    call_command("create_api_token", officer.email, "--name", "script", "--days", "7")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=officer)
    assert (token.expires_at - token.created_at).days == 7
    assert _get("/api/v1/cohorts/", raw).status_code == 200


def test_token_page_shows_a_new_token_once_and_revokes_only_ones_own():
    officer, other = OfficerFactory(), OfficerFactory()
    theirs, _ = api_token_create(user=other, name="theirs")
    client = Client()
    client.force_login(officer)
    response = client.post(reverse("api_tokens"), {"name": "notebook", "days": "90"})
    token = ApiToken.objects.get(user=officer)
    assert response.status_code == 200
    assert f"lbc_{token.prefix}_" in response.content.decode()
    assert f"lbc_{token.prefix}_" not in client.get(reverse("api_tokens")).content.decode().replace(
        f"lbc_{token.prefix}…", ""
    )
    assert client.post(reverse("api_token_revoke", args=[theirs.pk])).status_code == 404
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    theirs.refresh_from_db()
    assert token.revoked_at is not None
    assert theirs.revoked_at is None
