"""Issue 15: every growing list is found, sorted and paged the same way (common/listing.py), and
figures read in GOV.UK style (common/formatting.py)."""

from datetime import UTC, date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.formatting import format_date, format_datetime, format_number, format_time
from common.listing import first_rows
from notifications.models import Message
from tests.factories import MessageFactory, OfficerFactory, OrganisationFactory, StaffFactory


def test_govuk_time_reads_like_gov_uk_style():
    assert [format_time(time(h, m)) for h, m in [(9, 0), (21, 36), (12, 0), (0, 0), (12, 30), (0, 5)]] == [
        "9am",
        "9:36pm",
        "midday",
        "midnight",
        "12:30pm",
        "12:05am",
    ]


def test_govuk_times_follow_london_across_both_clock_changes_of_2026():
    # Sunday 29 March 2026: 00:59 UTC is 12:59am GMT; 01:00 UTC is 2am BST.
    assert format_datetime(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == "29 March 2026 at 12:59am"
    assert format_datetime(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == "29 March 2026 at 2am"
    # Sunday 25 October 2026: 00:59 UTC is 1:59am BST; 01:00 UTC is 1am GMT again.
    assert format_time(datetime(2026, 10, 25, 0, 59, tzinfo=UTC)) == "1:59am"
    assert format_time(datetime(2026, 10, 25, 1, 0, tzinfo=UTC)) == "1am"
    # 23:30 UTC on a summer evening is already the next day in London.
    assert format_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"


def test_govuk_dates_and_numbers():
    day = date(2026, 12, 2)
    assert format_date(day) == "2 December 2026"
    assert format_date(day, "weekday") == "Wednesday 2 December 2026"
    assert format_date(day, "short") == "2 Dec 2026"
    assert format_date(day, "weekday,no_year") == "Wednesday 2 December"
    assert format_date(day, "month") == "December 2026"
    assert [format_number(n) for n in (14000, 120000, 7, "n/a", None)] == ["14,000", "120,000", "7", "n/a", ""]
    assert format_number(1234.5, 1) == "1,234.5"


@pytest.mark.django_db
def test_people_search_by_part_of_a_name_keeps_its_query_count_flat(client):
    client.force_login(StaffFactory())
    camden = OrganisationFactory()
    OfficerFactory(full_name="Alice Khan", organisation=camden)
    url = "/accounts/people/?q=ali+kha&sort=-email"
    with CaptureQueriesContext(connection) as one:
        first = client.get(url).content.decode()
    assert "Alice Khan" in first and "1 person matches the filters" in first
    for n in range(60):
        OfficerFactory(full_name=f"Alina Khanom {n}", organisation=camden)
        OfficerFactory(full_name=f"Somebody Else {n}", organisation=camden)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(one)
    assert "61 people match the filters, page 1 of 2" in page and "Somebody Else" not in page
    # The pagination and the sort headers keep the search.
    assert 'href="?q=ali+kha&amp;sort=-email&amp;page=2" rel="next"' in page
    assert 'aria-sort="descending"' in page


@pytest.mark.django_db
def test_outbox_filtered_by_kind_and_recipient_shows_labels_with_a_flat_query_count(client):
    client.force_login(StaffFactory())
    MessageFactory(kind="weekly_log_missing", to_email="pat.lee@example.org")
    url = "/notifications/outbox/?kind=weekly_log_missing&recipient=pat.lee"
    with CaptureQueriesContext(connection) as one:
        first = client.get(url).content.decode()
    assert "1 message matches the filters" in first
    assert "Weekly log reminders" in first and ">weekly_log_missing<" not in first
    Message.objects.bulk_create(
        [
            MessageFactory.build(
                recipient=None, kind="weekly_log_missing", to_email="pat.lee@example.org", dedup_key=f"a{n}"
            )
            for n in range(70)
        ]
        + [
            MessageFactory.build(recipient=None, kind="welcome", to_email="pat.lee@example.org", dedup_key=f"b{n}")
            for n in range(30)
        ]
    )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(one)
    assert "71 messages match the filters, page 1 of 2" in page


@pytest.mark.django_db
def test_a_bad_filter_date_is_a_govuk_error_on_its_field_not_a_server_error(client):
    client.force_login(StaffFactory())
    response = client.get("/notifications/outbox/?created_from_0=31&created_from_1=2&created_from_2=2026")
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Created on or after must be a real date" in html
    assert 'href="#id_created_from_0"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, 3, 10, 13])
def test_first_rows_are_the_list_s_first_lines_and_its_total_in_one_query(count):
    MessageFactory.create_batch(count)
    qs = Message.objects.order_by("-pk")
    with CaptureQueriesContext(connection) as queries:
        first = first_rows(qs, 10)
    assert len(queries) == 1
    assert [row.pk for row in first.rows] == list(qs.values_list("pk", flat=True)[:10])
    assert (first.total, first.more) == (count, count > 10)
