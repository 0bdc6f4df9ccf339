import re

import pytest

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_pages_send_strict_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/accounts/people/", "/accessibility/", "/nowhere/"])
def test_pages_have_no_inline_script_or_style(client, url):
    client.force_login(StaffFactory())
    html = client.get(url).content.decode()
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert re.findall(r"\sstyle=\"", html) == []
    assert "<style" not in html


def test_forms_carry_a_csrf_token(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html


def test_sign_out_is_refused_on_get(client):
    client.force_login(StaffFactory())
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_error_pages_use_the_service_layout(client):
    client.force_login(StaffFactory())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "govuk-skip-link" in html
    assert "Accessibility statement" in html


def test_server_error_page_renders_without_the_database():
    from lotibootcamp.views import error_500

    response = error_500(None)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
