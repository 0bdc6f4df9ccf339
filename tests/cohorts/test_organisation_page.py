"""An organisation's page at a borough's whole history: the first officers with a link to all of them
in the people list, and its applications 50 a page, at a cost that does not grow with rows."""

import pytest
from django.utils.html import escape

from tests.factories import CohortFactory, EnrolmentFactory, OfficerFactory, StaffFactory, borough
from tests.page_cost import page_cost

pytestmark = pytest.mark.django_db

URL = "/cohorts/organisations/camden/"


def officers_with_places(count: int) -> None:
    camden = borough("Camden")
    cohort = CohortFactory()
    for _ in range(count):
        EnrolmentFactory(cohort=cohort, officer=OfficerFactory(organisation=camden))


def test_the_page_shows_the_first_officers_and_pages_the_applications(client):
    officers_with_places(55)
    client.force_login(StaffFactory())
    _, _, page = page_cost(client, URL)
    assert "Officers with an account (55)" in page
    assert "See all 55 officers from Camden" in page
    assert escape("/accounts/people/?organisation=camden&role=officer") in page
    assert "Applications and places across cohorts (55)" in page
    assert 'aria-label="Page 2"' in page
    assert page.count('href="/cohorts/applications/') == 50
    second = client.get(URL, {"page": 2}).content.decode()
    assert second.count('href="/cohorts/applications/') == 5


def test_the_page_s_queries_and_instances_do_not_grow_with_officers_and_applications(client):
    officers_with_places(12)
    client.force_login(StaffFactory())
    queries, built, _ = page_cost(client, URL)
    officers_with_places(60)
    more_queries, more_built, _ = page_cost(client, URL)
    assert more_queries == queries
    # The signed-in user, the first 10 officers and the applications (a page of 50 at most) with their officers.
    assert (built["User"], built["Enrolment"]) == (1 + 10 + 12, 12)
    assert (more_built["User"], more_built["Enrolment"]) == (1 + 10 + 50, 50)
