"""Every link in a GOV.UK error summary must lead to an element on the page, radios and checkboxes
included (they are numbered from _1, not named after the field)."""

import re

import pytest

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def broken_error_links(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, flags=re.S)
    assert summary, "no error summary on the page"
    targets = re.findall(r'href="#([^"]+)"', summary.group(0))
    assert targets
    return [target for target in targets if f'id="{target}"' not in html]


@pytest.mark.parametrize("url", ["/accounts/people/add/", "/cohorts/new/"])
def test_error_summary_links_reach_their_inputs(client, url):
    client.force_login(StaffFactory())
    response = client.post(url, {"name": ""})  # a browser always posts something
    assert response.status_code == 200
    assert broken_error_links(response.content.decode()) == []


def test_error_summary_links_a_checkbox_group_to_its_first_box(client):
    client.force_login(StaffFactory())
    html = client.post("/accounts/people/add/", {"email": "a@example.org", "full_name": "A"}).content.decode()
    assert '<a href="#id_roles_1">Select at least one role</a>' in html
    assert 'id="id_roles_1"' in html
