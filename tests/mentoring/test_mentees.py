"""The mentor's mentees: the first 10 on their home page, every one on /mentoring/mentees/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MentorAllocationFactory, MentorFactory, OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor():
    return MentorFactory()


def test_mentor_home_shows_10_mentees_and_10_quiet_ones_and_the_mentees_page_lists_all(client, mentor):
    allocations = [
        MentorAllocationFactory(mentor=mentor, officer=OfficerFactory(full_name=f"Mentee {n:02}")) for n in range(53)
    ]
    MentorAllocationFactory(officer=OfficerFactory(full_name="Someone Else's Mentee"))
    client.force_login(mentor)
    home = client.get("/").content.decode()
    table = home.split("My mentees</h2>")[1].split("</table>")[0]
    assert [a.officer.full_name for a in allocations if f">{a.officer.full_name}<" in table] == [
        f"Mentee {n:02}" for n in range(10)
    ]
    assert 'href="/mentoring/mentees/">See all 53 of your mentees</a>' in home
    assert "And 43 more:" in home  # nobody has had a session: all 53 are quiet, 10 named
    with CaptureQueriesContext(connection) as first_page:
        first = client.get("/mentoring/mentees/").content.decode()
    second = client.get("/mentoring/mentees/?page=2").content.decode()
    assert "53 officers you are lead mentor for" in first
    assert ">Mentee 49<" in first and ">Mentee 50<" not in first and ">Mentee 52<" in second
    assert "Someone Else" not in first + second
    for n in range(3):
        MentorAllocationFactory(mentor=mentor, officer=OfficerFactory(full_name=f"Later {n}"))
    with CaptureQueriesContext(connection) as more:
        client.get("/mentoring/mentees/")
    assert len(more) == len(first_page)
    client.force_login(OfficerFactory())
    assert client.get("/mentoring/mentees/").status_code == 403
