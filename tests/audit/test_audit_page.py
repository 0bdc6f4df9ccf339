"""The audit log page: programme staff only, filtered by what, who and when (errors in GOV.UK style),
50 rows a page, downloadable as CSV (a download that is itself recorded), and a fixed query count."""

import csv
import io
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from audit.actions import Action
from audit.log import record
from audit.models import AuditEvent
from audit.views import CSV_HEADER, PAGE_SIZE
from tests.audit.rows import ADDRESS, the_row, web
from tests.factories import MentorFactory, OfficerFactory, StaffFactory

pytestmark = pytest.mark.django_db

URL = "/audit/"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def staff():
    return StaffFactory(email="auditor@example.org")


@pytest.fixture
def client(staff):
    client = web()
    client.force_login(staff)
    return client


def shown(response) -> list[AuditEvent]:
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- who may see it ---


@pytest.mark.parametrize("person", [OfficerFactory, MentorFactory], ids=["officer", "mentor"])
def test_officers_and_mentors_are_refused_and_the_refusal_is_recorded(person):
    user = person()
    client = web()
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv"}).status_code == 403
    refusals = AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, actor=user)
    assert refusals.count() == 2
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_DATA_DOWNLOADED).exists()


def test_anonymous_people_are_sent_to_sign_in():
    response = web().get(URL)
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/audit/"


def test_staff_see_the_rows_with_who_what_and_where(client, staff):
    person = OfficerFactory()
    record(Action.ROLE_CHANGED, actor=staff, obj=person, before={"is_mentor": False}, after={"is_mentor": True})
    response = client.get(URL)
    html = response.content.decode()
    assert [event.action for event in shown(response)] == [Action.ROLE_CHANGED]
    assert "Role changed" in html
    assert "auditor@example.org" in html
    assert escape(f"Person: {person}") in html
    assert "is_mentor: False → True" in html


# --- filters ---


def test_the_action_filter_shows_only_that_action(client):
    record(Action.SIGN_IN, actor_label="a@example.org")
    record(Action.SIGN_OUT, actor_label="a@example.org")
    response = client.get(URL, {"action": Action.SIGN_OUT.value})
    assert [event.action for event in shown(response)] == [Action.SIGN_OUT]


def test_the_actor_filter_matches_part_of_the_email(client):
    record(Action.SIGN_IN, actor_label="ada.lovelace@example.org")
    record(Action.SIGN_IN, actor_label="grace.hopper@example.org")
    response = client.get(URL, {"actor": "LOVELACE"})
    assert [event.actor_label for event in shown(response)] == ["ada.lovelace@example.org"]


def test_the_date_filters_use_london_days(client):
    # 00:30 on 2 June in London is 23:30 on 1 June in UTC: the row belongs to 2 June.
    for day, hour in ((1, 12), (2, 0), (3, 12)):
        with time_machine.travel(datetime.combine(datetime(2026, 6, day), time(hour, 30), tzinfo=LONDON)):
            record(Action.SIGN_IN, actor_label=f"june{day}@example.org")
    june2 = {"since_0": "2", "since_1": "6", "since_2": "2026"}
    response = client.get(URL, {**june2, "until_0": "2", "until_1": "June", "until_2": "2026"})
    assert [event.actor_label for event in shown(response)] == ["june2@example.org"]
    response = client.get(URL, june2)
    assert {event.actor_label for event in shown(response)} == {"june2@example.org", "june3@example.org"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since_0": "2", "since_1": "June"}, "since_2"),  # no year: the year input is marked
        ({"until_0": "30", "until_1": "2", "until_2": "2026"}, "until_0"),  # no 30 February
        ({"action": "auth.nonsense"}, "action"),
    ],
)
def test_an_invalid_filter_gets_the_govuk_error_summary_not_a_500(client, query, field):
    response = client.get(URL, query)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Audit log" in html
    assert "govuk-error-summary" in html
    assert f'href="#id_{field}"' in html
    assert "govuk-form-group--error" in html


def test_an_invalid_filter_on_the_csv_sends_them_to_the_page_rather_than_exporting_every_row(client):
    record(Action.SIGN_IN, actor_label="a@example.org")
    response = client.get(URL, {"actor": "a@", "since_0": "40", "since_1": "1", "since_2": "2026", "format": "csv"})
    assert response.status_code == 302
    assert response.url == "/audit/?actor=a%40&since_0=40&since_1=1&since_2=2026"
    assert "govuk-error-summary" in client.get(response.url).content.decode()
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_DATA_DOWNLOADED).exists()


# --- pages ---


def test_the_page_shows_50_rows_and_the_next_page_the_rest(client):
    for n in range(PAGE_SIZE + 3):
        record(Action.SIGN_IN, actor_label=f"person{n:02}@example.org")
    first = shown(client.get(URL))
    second = shown(client.get(URL, {"page": 2}))
    assert len(first) == PAGE_SIZE
    assert len(second) == 3
    assert {event.pk for event in first}.isdisjoint(event.pk for event in second)
    assert second[-1].actor_label == "person00@example.org"  # newest first: the oldest is last
    assert 'href="?page=2"' in client.get(URL).content.decode()


def test_the_page_links_keep_the_filters(client):
    for n in range(PAGE_SIZE + 1):
        record(Action.SIGN_OUT, actor_label=f"person{n:02}@example.org")
    html = client.get(URL, {"action": Action.SIGN_OUT.value}).content.decode()
    assert "action=auth.sign_out&amp;page=2" in html
    assert "action=auth.sign_out&amp;format=csv" in html


# --- the CSV ---


def test_the_csv_has_the_filtered_rows_and_is_itself_recorded_as_a_download(client, staff):
    person = OfficerFactory()
    record(Action.ROLE_CHANGED, actor=staff, obj=person, before={"is_mentor": False}, after={"is_mentor": True})
    record(Action.SIGN_IN, actor_label="someone@example.org")
    response = client.get(URL, {"action": Action.ROLE_CHANGED.value, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    header, *rows = rows_of(response)
    assert header == CSV_HEADER
    assert len(rows) == 1
    when, who, address, action, object_type, object_id, _, before, after, _ = rows[0]
    assert when.endswith("+00:00")  # UTC, as the header says
    assert (who, address, action) == ("auditor@example.org", "", Action.ROLE_CHANGED.value)
    assert (object_type, object_id) == ("accounts.user", str(person.pk))
    assert (before, after) == ('{"is_mentor": false}', '{"is_mentor": true}')

    download = the_row(Action.PERSONAL_DATA_DOWNLOADED)
    assert (download.actor, download.ip_address) == (staff, ADDRESS)
    assert download.detail == {"file": "audit-log.csv", "what": "audit log", "rows": 1}


# --- cost ---


def queries(client, query: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, query)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", [{}, {"format": "csv"}], ids=["page", "csv"])
def test_the_query_count_does_not_grow_with_rows(client, staff, query):
    person = OfficerFactory()
    record(Action.ROLE_CHANGED, actor=staff, obj=person, after={"is_mentor": True})
    one = queries(client, query)
    for n in range(40):
        record(Action.ROLE_CHANGED, actor=OfficerFactory(), obj=person, after={"n": n})
    assert queries(client, query) == one


def test_the_page_sorts_by_who_and_shows_newest_first_by_default(client):
    for label in ("bea@example.org", "ada@example.org", "cy@example.org"):
        record(Action.SIGN_IN, actor_label=label)
    newest_first = [event.actor_label for event in shown(client.get(URL))]
    by_who = [event.actor_label for event in shown(client.get(URL, {"sort": "who"}))]
    assert newest_first[:3] == ["cy@example.org", "ada@example.org", "bea@example.org"]
    assert by_who[:3] == ["ada@example.org", "bea@example.org", "cy@example.org"]
    assert 'aria-sort="ascending"' in client.get(URL, {"sort": "who"}).content.decode()
