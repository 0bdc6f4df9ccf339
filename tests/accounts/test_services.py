import pytest
from django.core import mail

from accounts.services import user_create
from notifications.models import Message
from tests.factories import StaffFactory, borough

pytestmark = pytest.mark.django_db


def test_user_create_sends_the_welcome_email_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user = user_create(
            email="someone@example.org",
            full_name="Some One",
            organisation=borough("Camden"),
            is_officer=True,
            created_by=StaffFactory(),
        )
    assert Message.objects.get(kind="welcome").recipient == user
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_user_create_rejects_an_officer_without_organisation():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        user_create(email="a@example.org", full_name="A", organisation=None, is_officer=True)
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    ("full_name", "short"),
    [("Dr Hannah Reid", "Hannah"), ("Amara Johnson", "Amara"), ("Prof. Ada Lovelace", "Ada"), ("Dr", "Dr")],
)
def test_short_name_greets_by_first_name_not_title(full_name, short):
    from accounts.models import User

    assert User(full_name=full_name, email="x@example.org").get_short_name() == short
