from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.log import changes, record, snapshot
from audit.models import AuditEvent, AuditLogIsAppendOnly
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_record_keeps_who_what_which_and_where(rf):
    actor = UserFactory(email="staff.person@example.org")
    subject = UserFactory()
    request = rf.post("/", REMOTE_ADDR="203.0.113.9")
    request.user = actor

    event = record(
        Action.ROLE_CHANGED, request=request, obj=subject, before={"is_mentor": False}, after={"is_mentor": True}
    )

    event.refresh_from_db()
    assert event.actor == actor
    assert event.actor_label == "staff.person@example.org"
    assert event.ip_address == "203.0.113.9"
    assert event.action == "people.roles_changed"
    assert (event.object_type, event.object_id) == ("accounts.user", str(subject.pk))
    assert (event.before, event.after) == ({"is_mentor": False}, {"is_mentor": True})
    assert event.at is not None


def test_changes_lists_only_what_differs():
    user = UserFactory(full_name="Ada Lovelace")
    old = snapshot(user, ["full_name", "email"])
    user.full_name = "Augusta Ada King"
    assert changes(user, ["full_name", "email"], old) == (
        {"full_name": "Ada Lovelace"},
        {"full_name": "Augusta Ada King"},
    )


def test_the_model_refuses_to_change_or_delete_a_row():
    event = record(Action.SIGN_OUT, actor_label="someone@example.org")
    event.action = "auth.sign_in"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="auth.sign_in")


def test_the_database_refuses_update_and_delete_behind_the_apps_back():
    event = record(Action.SIGN_OUT, actor_label="someone@example.org")
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == Action.SIGN_OUT


def test_rows_past_the_retention_period_can_be_deleted_and_only_those():
    old = record(Action.SIGN_OUT, actor_label="old@example.org")
    young = record(Action.SIGN_OUT, actor_label="young@example.org")
    # Back-date the old row without UPDATE: insert it again with an old timestamp.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, object_repr, detail)"
            " VALUES (%s, 'older@example.org', 'auth.sign_out', '', '', '', '{}')",
            [timezone.now() - timedelta(days=365 * 6 + 10)],
        )
        cursor.execute("DELETE FROM audit_auditevent WHERE actor_label = 'older@example.org'")
        assert cursor.rowcount == 1
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {old.pk, young.pk}


def test_password_sign_in_writes_an_audit_row(client):
    user = UserFactory(email="signs.in@example.org", is_officer=True)
    user.set_password("a long enough passphrase 42")
    user.save()
    response = client.post(
        reverse("accounts:login"), {"username": "signs.in@example.org", "password": "a long enough passphrase 42"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.SIGN_IN)
    assert event.actor == user
    assert event.detail == {"method": "password", "second_factor": "none"}
