"""The accessibility statement follows the GOV.UK model: public, linked from every page's footer, and
it says how the service was tested, what is not yet accessible and how to complain."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_accessibility_statement_is_public_and_linked_from_the_footer(client):
    sign_in_page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accessibility")}">Accessibility statement</a>' in sign_in_page
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200


def test_accessibility_statement_says_how_it_was_tested_and_what_is_not_yet_accessible(client):
    text = client.get(reverse("accessibility")).content.decode()
    for heading in (
        "Non-accessible content",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Preparation of this accessibility statement",
    ):
        assert f">{heading}</h" in text
    assert "The service was last tested on 2 December 2026" in text
    assert "partially compliant" in text
    for criterion in ("1.3.1 (Info and Relationships)", "1.4.4 (Resize Text)", "2.4.7 (Focus Visible)"):
        assert criterion in text
