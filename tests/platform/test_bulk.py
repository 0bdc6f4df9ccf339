"""common/bulk.py: many rows in one statement, one array parameter per column. What it writes must be
exactly what bulk_create would have written, whatever the text holds."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from cohorts.models import Enrolment, EnrolmentEvent
from common.bulk import objects_insert, rows_insert
from notifications.models import Message
from tests.factories import EnrolmentFactory, OfficerFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    'quote " and backslash \\ and both \\"',
    "braces {a,b} and commas, , and NULL",
    "NULL",
    "",
    "new\nline and tab\t and 'single quotes'",
    "unicode: Łódź, 東京, emoji 🙂",
    '=HYPERLINK("http://x")',
    "\\N",
]


def test_text_json_and_nulls_are_stored_exactly_as_given(postgres):
    officer = OfficerFactory()
    rows = [
        {
            "actor": officer if n % 2 else None,
            "actor_label": text,
            "action": "test.bulk",
            "object_id": str(n),
            "object_repr": text,
            "before": {"text": text, "list": [1, None, text]} if n % 3 else None,
            "after": None,
            "detail": {"n": n, "quoted": '"' + text},
            # A blank address is stored as NULL, as Django stores it; others as given.
            **({"ip_address": ["", "203.0.113.9", "2001:db8::1"][n % 3]} if n < 3 else {}),
        }
        for n, text in enumerate(HOSTILE)
    ]
    with CaptureQueriesContext(connection) as queries:
        pks = rows_insert(AuditEvent, rows)
    assert len(queries) == 1
    assert len(pks) == len(HOSTILE) == len(set(pks))
    stored = {event.pk: event for event in AuditEvent.objects.filter(pk__in=pks)}
    for pk, row in zip(pks, rows, strict=True):
        event = stored[pk]
        assert event.actor_label == row["actor_label"]
        assert event.object_repr == row["object_repr"]
        assert event.object_id == row["object_id"]
        assert event.actor_id == (row["actor"].pk if row["actor"] else None)
        assert event.before == row["before"]
        assert event.after is None
        assert event.detail == row["detail"]
        assert event.ip_address == (row.get("ip_address") or None)
        assert event.at is not None  # auto_now_add, as save() sets it


def test_defaults_are_filled_in_per_row_where_the_default_is_a_callable(postgres):
    officer = OfficerFactory()
    pks = rows_insert(
        Message,
        [
            {
                "recipient": officer,
                "to_email": officer.email,
                "kind": "welcome",
                "dedup_key": f"bulk:{n}",
                "subject": "Hello",
                "body_text": HOSTILE[n],
            }
            for n in range(3)
        ],
    )
    messages = list(Message.objects.filter(pk__in=pks).order_by("pk"))
    assert [m.body_text for m in messages] == HOSTILE[:3]
    assert all(m.status == Message.Status.QUEUED and m.attempts == 0 and m.attachments == [] for m in messages)
    assert all(m.is_essential and m.headers == {} and m.created_at is not None for m in messages)
    # internet_message_id's default is a function: one value a row, not one for the batch.
    assert len({m.internet_message_id for m in messages}) == 3


def test_ignore_conflicts_returns_only_the_rows_written(postgres):
    officer = OfficerFactory()
    row = {"to_email": officer.email, "kind": "welcome", "subject": "Hi", "body_text": "x"}
    rows_insert(Message, [{**row, "dedup_key": "taken"}])
    pks = rows_insert(Message, [{**row, "dedup_key": "taken"}, {**row, "dedup_key": "free"}], ignore_conflicts=True)
    assert list(Message.objects.filter(pk__in=pks).values_list("dedup_key", flat=True)) == ["free"]
    assert Message.objects.filter(dedup_key="taken").count() == 1


def test_objects_insert_saves_instances_as_bulk_create_would(postgres):
    enrolment = EnrolmentFactory()
    events = objects_insert(
        [
            EnrolmentEvent(enrolment=enrolment, from_status="", to_status=Enrolment.Status.SELECTED, note=text)
            for text in HOSTILE
        ]
    )
    assert all(event.pk and not event._state.adding and event.at is not None for event in events)
    stored = {event.pk: event for event in EnrolmentEvent.objects.filter(enrolment=enrolment)}
    assert [stored[event.pk].note for event in events] == HOSTILE
    assert all(stored[event.pk].to_status == "selected" for event in events)


def test_times_are_stored_as_instants_and_auto_now_add_is_the_time_of_writing(postgres):
    row = {"to_email": "a@example.org", "kind": "welcome", "subject": "Hi", "body_text": "x"}
    # 01:30 UTC on the day the clocks go forward: 02:30 in London, stored as the instant it is.
    given = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    (pk,) = rows_insert(Message, [{**row, "dedup_key": "aware", "send_after": given, "created_at": given}])
    message = Message.objects.get(pk=pk)
    assert message.send_after == given
    assert message.created_at > given  # as save() does: auto_now_add is when the row was written


def test_nothing_to_write_is_no_query(postgres):
    with CaptureQueriesContext(connection) as queries:
        assert rows_insert(AuditEvent, []) == []
        assert objects_insert([]) == []
    assert len(queries) == 0
