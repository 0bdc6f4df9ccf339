"""NUL and other control characters in a path, query string or form field get the 400 page, never a 500."""

import pytest

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/notifications/outbox/?kind=%00", None),
        ("get", "/notifications/outbox/?%00=1", None),
        ("get", "/cohorts/?status=a%01b", None),
        ("post", "/cohorts/new/", {"name": "Autumn\x00"}),
        ("post", "/accounts/people/add/", {"full_name": "Ada\x1bLovelace"}),
    ],
)
def test_control_characters_get_the_400_page(client, method, url, data):
    client.force_login(StaffFactory())
    response = getattr(client, method)(url, data)
    assert response.status_code == 400
    assert "There is a problem with your request" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/notifications/unsubscribe/a%00b/", "/cohorts/manager/%01/", "/cohorts/impact/verify/%00/"]
)
def test_control_characters_in_a_path_get_the_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_tabs_and_new_lines_in_form_fields_are_not_refused(client):
    client.force_login(StaffFactory())
    response = client.get("/notifications/outbox/", {"kind": "a\tb\r\nc"})
    assert response.status_code == 200
