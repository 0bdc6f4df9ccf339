"""The lists' "contains" searches (common/listing.py SearchFilter): a field across a relation is
matched by the related rows' keys, and on PostgreSQL trigram indexes answer the searches."""

import pytest
from django.test import RequestFactory

from accounts.models import User
from common import listing
from notifications.filters import OutboxFilter
from notifications.models import Message
from tests.factories import MessageFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def outbox_search(words: str) -> set[int]:
    request = RequestFactory().get("/notifications/outbox/", {"recipient": words})
    found = OutboxFilter(request.GET, queryset=Message.objects.all(), request=request).qs
    return set(found.values_list("pk", flat=True))


@pytest.mark.parametrize("keys_max", [1000, 1])
def test_outbox_search_finds_a_recipient_by_name_or_address_every_word_somewhere(monkeypatch, keys_max):
    """The same rows whether the related keys are listed or, past the limit, left as a subquery."""
    monkeypatch.setattr(listing, "RELATED_KEYS_MAX", keys_max)
    ada = OfficerFactory(full_name="Ada Okafor", email="a.okafor@camden.gov.uk")
    other_ada = OfficerFactory(full_name="Ada Byron", email="byron@hackney.gov.uk")
    to_ada = MessageFactory(recipient=ada, to_email=ada.email)
    to_byron = MessageFactory(recipient=other_ada, to_email=other_ada.email)
    to_list = MessageFactory(recipient=None, to_email="okafor-team@camden.gov.uk")
    assert outbox_search("ada") == {to_ada.pk, to_byron.pk}
    assert outbox_search("ADA okafor") == {to_ada.pk}
    assert outbox_search("okafor") == {to_ada.pk, to_list.pk}
    assert outbox_search("camden") == {to_ada.pk, to_list.pk}
    assert outbox_search("nobody") == set()


def test_trigram_indexes_answer_contains_searches_on_postgresql(postgres):
    with postgres.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_upper_trgm"])
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        "accounts_user_full_name_upper_trgm",
        "accounts_user_email_upper_trgm",
        "notifications_message_to_email_upper_trgm",
    }
    OfficerFactory.create_batch(3)
    people = User.objects.filter(full_name__icontains="okafor")
    sql, params = people.query.sql_with_params()
    with postgres.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the planner show its index
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "accounts_user_full_name_upper_trgm" in plan, plan
