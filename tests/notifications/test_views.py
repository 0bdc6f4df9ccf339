import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import registry
from notifications.models import Message, Unsubscription
from notifications.tokens import unsubscribe_token_make
from tests.factories import MentorFactory, MessageFactory, OfficerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", [OfficerFactory, MentorFactory, StaffFactory, UserFactory])
def test_preferences_page_lets_anyone_signed_in_switch_their_own_optional_mail(client, factory):
    user = factory()
    other = OfficerFactory()
    client.force_login(user)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Weekly progress digest" in page
    assert "Training day reminders" in page
    keep = sorted(kind.name for kind in registry.optional_kinds() if kind.name != "weekly_digest")
    response = client.post("/notifications/preferences/", {"receive": keep}, follow=True)
    assert "Your email preferences have been saved." in response.content.decode()
    assert list(Unsubscription.objects.values_list("user", "kind")) == [(user.pk, "weekly_digest")]
    assert not Unsubscription.objects.filter(user=other).exists()


def test_preferences_page_rejects_an_unknown_kind(client):
    client.force_login(OfficerFactory())
    response = client.post("/notifications/preferences/", {"receive": ["welcome"]})
    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert Unsubscription.objects.count() == 0


def test_unsubscribe_link_confirms_on_get_and_unsubscribes_on_post(client):
    officer = OfficerFactory()
    url = f"/notifications/unsubscribe/{unsubscribe_token_make(user_id=officer.pk, kind='weekly_digest')}/"
    page = client.get(url)
    assert page.status_code == 200
    assert officer.email in page.content.decode()
    assert Unsubscription.objects.count() == 0
    done = client.post(url)
    assert "You have unsubscribed" in done.content.decode()
    assert list(Unsubscription.objects.values_list("user", "kind")) == [(officer.pk, "weekly_digest")]


def test_one_click_unsubscribe_works_without_a_session_or_csrf_token():
    from django.test import Client

    officer = OfficerFactory()
    token = unsubscribe_token_make(user_id=officer.pk, kind="training_reminder")
    response = Client(enforce_csrf_checks=True).post(
        f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert Unsubscription.objects.filter(user=officer, kind="training_reminder").exists()


@pytest.mark.parametrize("kind", ["welcome", "no_such_kind"])
def test_unsubscribe_link_for_essential_or_unknown_kind_does_not_work(client, kind):
    officer = OfficerFactory()
    response = client.post(f"/notifications/unsubscribe/{unsubscribe_token_make(user_id=officer.pk, kind=kind)}/")
    assert response.status_code == 404
    assert Unsubscription.objects.count() == 0


def test_tampered_unsubscribe_link_does_not_work(client):
    officer = OfficerFactory()
    token = unsubscribe_token_make(user_id=officer.pk, kind="weekly_digest")
    response = client.post(f"/notifications/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 404
    assert Unsubscription.objects.count() == 0


@pytest.mark.parametrize(
    "url", ["/notifications/outbox/", "/notifications/outbox/1/", "/notifications/digests/preview/"]
)
@pytest.mark.parametrize("factory", [OfficerFactory, MentorFactory])
def test_staff_pages_refuse_other_roles(client, factory, url):
    MessageFactory()
    client.force_login(factory())
    assert client.get(url).status_code == 403


def test_outbox_lists_messages_filtered_by_status_and_kind(client):
    MessageFactory(subject="Sent one", status=Message.Status.SENT)
    MessageFactory(subject="Failed one", status=Message.Status.FAILED, kind="weekly_digest")
    client.force_login(StaffFactory())
    page = client.get("/notifications/outbox/?status=failed").content.decode()
    assert "Failed one" in page
    assert "Sent one" not in page
    page = client.get("/notifications/outbox/?kind=welcome").content.decode()
    assert "Sent one" in page
    assert "Failed one" not in page


def test_outbox_query_count_does_not_grow_with_rows(client):
    client.force_login(StaffFactory())
    MessageFactory()
    client.get("/notifications/outbox/")
    cache.clear()  # the page's own work, not the part it kept (common/fresh.py)
    with CaptureQueriesContext(connection) as one:
        client.get("/notifications/outbox/")
    MessageFactory.create_batch(30)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/notifications/outbox/")
    assert len(re.findall("govuk-table__row", response.content.decode())) == 32
    assert len(many) == len(one)


def test_message_detail_shows_content_and_missing_message_is_404(client):
    message = MessageFactory(body_text="Your session is tomorrow", last_error="SMTP 421")
    client.force_login(StaffFactory())
    page = client.get(f"/notifications/outbox/{message.pk}/").content.decode()
    assert "Your session is tomorrow" in page
    assert "SMTP 421" in page
    assert client.get("/notifications/outbox/999999/").status_code == 404


def test_resend_queues_a_failed_message_and_is_post_only(client, django_capture_on_commit_callbacks):
    message = MessageFactory(status=Message.Status.FAILED, attempts=5)
    client.force_login(StaffFactory())
    assert client.get(f"/notifications/outbox/{message.pk}/resend/").status_code == 405
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(f"/notifications/outbox/{message.pk}/resend/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts, len(callbacks)) == (Message.Status.QUEUED, 0, 1)


def test_resend_refuses_a_message_that_did_not_fail(client):
    message = MessageFactory(status=Message.Status.SENT)
    client.force_login(StaffFactory())
    response = client.post(f"/notifications/outbox/{message.pk}/resend/", follow=True)
    assert "Only a failed message can be sent again." in response.content.decode()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_digest_preview_shows_next_mondays_digests(client):
    from datetime import date

    import time_machine

    from .conftest import london, selected_officer, session_on

    session = session_on(date(2026, 6, 16), topic="Record linkage")  # the Tuesday after next Monday
    officer = selected_officer(session.cohort)
    client.force_login(StaffFactory())
    with time_machine.travel(london(date(2026, 6, 10), 12), tick=False):  # a Wednesday
        page = client.get("/notifications/digests/preview/").content.decode()
    assert officer.full_name.replace("'", "&#x27;") in page
    assert "Record linkage" in page
    assert session.cohort.name in page


@pytest.mark.parametrize(
    ("now", "week"),
    [
        ((2026, 6, 8, 7, 30), "Monday 8 June"),  # Monday before 08:00 London: today's digests are next
        ((2026, 6, 8, 8, 0), "Monday 15 June"),  # they have gone
        ((2026, 6, 12, 12, 0), "Monday 15 June"),
    ],
)
def test_digest_preview_shows_the_digests_that_go_next(client, now, week):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    client.force_login(StaffFactory())
    with time_machine.travel(datetime(*now, tzinfo=ZoneInfo("Europe/London")), tick=False):
        page = client.get("/notifications/digests/preview/").content.decode()
    assert week in page
