import pytest
from playwright.sync_api import expect

from notifications.models import Unsubscription
from notifications.tokens import unsubscribe_token_make
from tests.conftest import assert_accessible, sign_in
from tests.factories import OfficerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_switches_off_digests_then_unsubscribes_from_reminders_by_link(page):
    officer = OfficerFactory(password="bootcamp-demo")
    officer.set_password("bootcamp-demo")
    officer.save()
    sign_in(page, officer.email)
    page.goto("/notifications/preferences/")
    assert_accessible(page, "notifications-preferences")
    page.get_by_label("Weekly progress digest").uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your email preferences have been saved.")).to_be_visible()
    assert page.get_by_label("Weekly progress digest").is_checked() is False
    assert page.get_by_label("Training day reminders").is_checked() is True
    assert_accessible(page, "notifications-preferences-saved")

    page.context.clear_cookies()  # the link in an email works without signing in
    page.goto(f"/notifications/unsubscribe/{unsubscribe_token_make(user_id=officer.pk, kind='training_reminder')}/")
    assert_accessible(page, "notifications-unsubscribe-confirm")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You have unsubscribed")).to_be_visible()
    assert_accessible(page, "notifications-unsubscribe-done")
    assert sorted(Unsubscription.objects.filter(user=officer).values_list("kind", flat=True)) == [
        "training_reminder",
        "weekly_digest",
    ]
