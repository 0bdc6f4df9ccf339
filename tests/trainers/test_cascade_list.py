"""The staff list of cascade sessions finds, sorts and pages through common/listing.py, at a flat cost."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CascadeSessionFactory, GraduationFactory, StaffFactory, borough

pytestmark = pytest.mark.django_db

URL = "/trainers/sessions/"


def topics(response) -> list[str]:
    return re.findall(r'data-label="Topic" class="govuk-table__cell">([^<]+)', response.content.decode())


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_filters_by_verification_organisation_search_and_date(staff_client):
    camden, lewisham = borough("Camden"), borough("Lewisham")
    ada = GraduationFactory(enrolment__officer__full_name="Ada Quist", enrolment__officer__organisation=camden)
    bo = GraduationFactory(enrolment__officer__full_name="Bo Ray", enrolment__officer__organisation=lewisham)
    today = timezone.localdate()
    CascadeSessionFactory(graduate=ada.enrolment.officer, topic="Fuzzy names", delivered_on=today - timedelta(days=3))
    CascadeSessionFactory(
        graduate=bo.enrolment.officer,
        topic="Blocking",
        delivered_on=today - timedelta(days=40),
        verified_at=timezone.now(),
    )
    assert sorted(topics(staff_client.get(URL))) == ["Blocking", "Fuzzy names"]
    assert topics(staff_client.get(URL, {"verified": "no"})) == ["Fuzzy names"]
    assert topics(staff_client.get(URL, {"verified": "yes"})) == ["Blocking"]
    assert topics(staff_client.get(URL, {"organisation": lewisham.slug})) == ["Blocking"]
    assert topics(staff_client.get(URL, {"q": "quist"})) == ["Fuzzy names"]
    assert topics(staff_client.get(URL, {"q": "block"})) == ["Blocking"]
    since = today - timedelta(days=10)
    dated = {"delivered_from_0": since.day, "delivered_from_1": since.month, "delivered_from_2": since.year}
    assert topics(staff_client.get(URL, dated)) == ["Fuzzy names"]
    page = staff_client.get(URL, {"verified": "no"}).content.decode()
    assert "1 session matches the filters" in page


def test_a_bad_filter_gets_an_error_on_its_field_not_a_server_error(staff_client):
    CascadeSessionFactory(topic="Still listed")
    response = staff_client.get(URL, {"delivered_from_0": "31", "delivered_from_1": "2", "delivered_from_2": "2026"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert topics(response) == ["Still listed"]
    assert staff_client.get(URL, {"verified": "maybe"}).status_code == 200


def test_sorts_by_a_column_and_pages_fifty_at_a_time(staff_client):
    officer = GraduationFactory().enrolment.officer
    today = timezone.localdate()
    for day in range(55):
        CascadeSessionFactory(graduate=officer, topic=f"Topic {day:02d}", delivered_on=today - timedelta(days=day + 1))
    first = staff_client.get(URL, {"sort": "date"})
    assert topics(first)[:2] == ["Topic 54", "Topic 53"]
    assert len(topics(first)) == 50
    assert 'aria-sort="ascending"' in first.content.decode()
    second = staff_client.get(URL, {"sort": "date", "page": 2})
    assert topics(second) == [f"Topic {day:02d}" for day in range(4, -1, -1)]
    assert "55 sessions, page 2 of 2" in second.content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_rows(staff_client):
    officer = GraduationFactory().enrolment.officer
    CascadeSessionFactory(graduate=officer)
    at_one = _queries(staff_client)
    for _ in range(30):
        CascadeSessionFactory(graduate=GraduationFactory().enrolment.officer, verified_at=timezone.now())
    assert _queries(staff_client) == at_one
