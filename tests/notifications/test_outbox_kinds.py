"""The outbox's list of kinds: every kind the service sends and every kind stored, even one the
service no longer sends, read with a skip scan rather than a DISTINCT over every message."""

import pytest

from notifications import registry, selectors
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db


def test_kinds_are_the_registry_and_every_stored_kind_once():
    for kind in ["welcome", "welcome", "retired_kind", "aaa_first", "welcome"]:
        MessageFactory(kind=kind)
    kinds = selectors.outbox_kinds()
    assert kinds == sorted(set(registry.KINDS) | {"welcome", "retired_kind", "aaa_first"})
    assert kinds.count("welcome") == 1


def test_kinds_with_an_empty_outbox_are_the_registry():
    assert selectors.outbox_kinds() == sorted(registry.KINDS)
