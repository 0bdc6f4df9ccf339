"""Sessions: idle timeout and absolute lifetime (time-machine), keep-alive, new keys on sign-in,
sign-out everywhere, sessions ending on a change of roles or password, and the audit rows."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.models import UserSession
from audit.actions import Action
from audit.models import AuditEvent
from tests.factories import PASSWORD, OfficerFactory, StaffFactory, borough

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_signed_in(client) -> bool:
    return client.get("/accounts/account/").status_code == 200


def test_an_idle_session_ends_after_30_minutes_with_a_message_and_an_audit_row():
    officer = OfficerFactory()
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(officer)
        clock.shift(timedelta(minutes=29))
        assert is_signed_in(client)  # use resets the idle clock
        clock.shift(timedelta(minutes=29))
        assert is_signed_in(client)
        clock.shift(timedelta(minutes=30))
        response = client.get("/accounts/account/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=/accounts/account/"
    assert "you had not used the service for 30 minutes" in response.content.decode()
    assert not UserSession.objects.filter(user=officer).exists()
    event = AuditEvent.objects.get(action=Action.SIGN_OUT)
    assert event.actor == officer and event.detail == {"reason": "idle_timeout"}


def test_the_idle_timeout_comes_from_settings(settings):
    settings.SESSION_IDLE_MINUTES = 5
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(OfficerFactory())
        clock.shift(timedelta(minutes=4, seconds=59))
        assert is_signed_in(client)
        clock.shift(timedelta(minutes=5))
        assert not is_signed_in(client)


def test_a_session_ends_12_hours_after_sign_in_however_much_it_is_used():
    officer = OfficerFactory()
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(officer)
        for _ in range(35):  # every 20 minutes for 11 h 40 min
            clock.shift(timedelta(minutes=20))
            assert is_signed_in(client)
        clock.shift(timedelta(minutes=20))  # 12 hours
        response = client.get("/", follow=True)
    assert "signed in for 12 hours" in response.content.decode()
    assert AuditEvent.objects.get(action=Action.SIGN_OUT).detail == {"reason": "absolute_timeout"}


def test_keep_alive_counts_as_use_and_needs_a_post():
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(OfficerFactory())
        assert client.get("/accounts/session/keep-alive/").status_code == 405
        clock.shift(timedelta(minutes=25))
        response = client.post("/accounts/session/keep-alive/")
        assert response.json() == {"signed_in": True, "remaining": 1800}
        clock.shift(timedelta(minutes=25))
        assert is_signed_in(client)
        clock.shift(timedelta(minutes=31))
        response = client.post("/accounts/session/keep-alive/")
    assert response.status_code == 401


def test_keep_alive_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(OfficerFactory())
    assert client.post("/accounts/session/keep-alive/").status_code == 403


def test_pages_carry_the_timeout_timing_for_the_warning_and_anonymous_pages_do_not():
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(OfficerFactory())
        clock.shift(timedelta(seconds=50))
        html = client.get("/accounts/account/").content.decode()
        assert 'data-remaining-seconds="1750"' in html  # activity is noted once a minute: sign-in was the last
        clock.shift(timedelta(minutes=10))
        html = client.get("/accounts/account/").content.decode()
    assert 'data-module="app-timeout-warning"' in html
    assert 'data-remaining-seconds="1800"' in html
    assert 'data-warning-seconds="120"' in html
    assert "You will be signed out soon" in html
    assert "Stay signed in" in html
    assert "app-timeout-warning" not in Client().get("/accounts/login/").content.decode()


def test_sign_in_gives_a_new_session_key_and_records_the_session():
    officer = OfficerFactory()
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/login/", {"username": officer.email, "password": PASSWORD}, HTTP_USER_AGENT="Firefox/140")
    after = client.session.session_key
    assert after and after != before
    row = UserSession.objects.get(user=officer)
    assert row.session_id == after and row.user_agent == "Firefox/140"
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor=officer).count() == 1


def test_sign_out_is_audited():
    officer = OfficerFactory()
    client = signed_in(officer)
    client.post("/accounts/logout/")
    assert AuditEvent.objects.get(action=Action.SIGN_OUT).actor == officer
    assert not UserSession.objects.filter(user=officer).exists()


def test_a_person_signs_themselves_out_everywhere_from_the_account_page():
    officer = OfficerFactory()
    laptop, phone = signed_in(officer), signed_in(officer)
    other = signed_in(OfficerFactory())
    assert "Sign out everywhere" in laptop.get("/accounts/account/").content.decode()
    response = laptop.post("/accounts/account/sign-out-everywhere/", follow=True)
    assert "You have been signed out everywhere (2 sessions)" in response.content.decode()
    assert not is_signed_in(laptop) and not is_signed_in(phone)
    assert is_signed_in(other)
    assert not UserSession.objects.filter(user=officer).exists()
    event = AuditEvent.objects.get(action=Action.SIGN_OUT_EVERYWHERE)
    assert event.actor == officer and event.detail == {"own": True, "sessions": 2}


def test_staff_sign_another_person_out_everywhere():
    staff, officer = StaffFactory(), OfficerFactory()
    officer_client = signed_in(officer)
    client = signed_in(staff)
    assert "Sign out everywhere" in client.get(f"/accounts/people/{officer.pk}/sign-out-everywhere/").content.decode()
    assert is_signed_in(officer_client)  # the confirmation page changes nothing
    response = client.post(f"/accounts/people/{officer.pk}/sign-out-everywhere/")
    assert response.url == f"/accounts/people/{officer.pk}/"
    assert not is_signed_in(officer_client)
    assert is_signed_in(client)
    event = AuditEvent.objects.get(action=Action.SIGN_OUT_EVERYWHERE)
    assert event.actor == staff and event.object_id == str(officer.pk) and event.detail == {"own": False, "sessions": 1}


def test_a_change_of_roles_ends_that_persons_sessions():
    staff = StaffFactory()
    officer = OfficerFactory(organisation=borough("Camden"))
    officer_client = signed_in(officer)
    client = signed_in(staff)
    form = {
        "full_name": officer.full_name,
        "organisation": officer.organisation_id,
        "roles": ["officer", "mentor"],
        "is_active": "on",
    }
    assert client.post(f"/accounts/people/{officer.pk}/", form).status_code == 302
    assert not is_signed_in(officer_client)
    assert is_signed_in(client)


def test_an_edit_that_keeps_the_roles_keeps_the_sessions():
    staff = StaffFactory()
    officer = OfficerFactory(organisation=borough("Camden"))
    officer_client = signed_in(officer)
    client = signed_in(staff)
    form = {"full_name": "New Name", "organisation": officer.organisation_id, "roles": ["officer"], "is_active": "on"}
    assert client.post(f"/accounts/people/{officer.pk}/", form).status_code == 302
    assert is_signed_in(officer_client)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one():
    officer = OfficerFactory()
    phone = signed_in(officer)
    client = signed_in(officer)
    old_key = client.session.session_key
    response = client.post(
        "/accounts/password-change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    assert response.status_code == 302
    assert is_signed_in(client)
    assert client.session.session_key != old_key
    assert not is_signed_in(phone)
    assert list(UserSession.objects.filter(user=officer).values_list("session_id", flat=True)) == [
        client.session.session_key
    ]
    event = AuditEvent.objects.get(action=Action.PASSWORD_CHANGED)
    assert event.actor == officer and event.detail == {"other_sessions_ended": 1}


def test_the_account_page_lists_sessions_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    officer = OfficerFactory()
    client = signed_in(officer)
    client.get("/accounts/account/")
    with django_assert_max_num_queries(12) as one:
        client.get("/accounts/account/")
    for _ in range(5):
        signed_in(officer)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get("/accounts/account/").content.decode()
    assert html.count("govuk-table__row") == 1 + 6
    assert Session.objects.count() == 6
