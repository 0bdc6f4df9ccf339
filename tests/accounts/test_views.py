import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from notifications.models import Message
from tests.conftest import totp_code
from tests.factories import PASSWORD, MentorFactory, OfficerFactory, StaffFactory, borough

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address, follow=True)


def set_up_authenticator_app(client, response):
    """Completes the set-up page as a person would: the app reads the secret, the person types its code."""
    secret = response.context["secret"].replace(" ", "")
    codes_page = client.post("/accounts/account/two-factor/set-up/", {"code": totp_code(secret)}, follow=True)
    assert codes_page.redirect_chain[-1][0] == "/accounts/account/two-factor/recovery-codes/"
    assert len(codes_page.context["codes"]) == 10
    return client.get(codes_page.context["next_url"], follow=True)


@pytest.mark.parametrize(
    ("factory", "heading"),
    [(StaffFactory, "Programme dashboard"), (MentorFactory, "My mentees"), (OfficerFactory, "My cohort")],
)
def test_each_role_lands_on_its_own_home_page(client, factory, heading):
    user = factory()
    response = sign_in(client, user.email)
    if factory is not OfficerFactory:  # staff and mentors set up an authenticator app first
        assert response.redirect_chain[-1][0] == "/accounts/account/two-factor/set-up/"
        response = set_up_authenticator_app(client, response)
    assert response.request["PATH_INFO"] == "/"
    assert heading in response.content.decode()


def test_sign_in_ignores_email_case(client):
    user = OfficerFactory(email="amara@example.org")
    response = sign_in(client, "Amara@Example.org")
    assert response.context["user"] == user


def test_wrong_password_gets_a_gov_uk_error_summary(client):
    user = OfficerFactory()
    response = sign_in(client, user.email, "not-the-password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter a correct email address and password" in html
    assert "<title>Error: Sign in" in html


def test_empty_sign_in_says_which_fields_are_missing(client):
    response = client.post("/accounts/login/", {"username": "", "password": ""})
    html = response.content.decode()
    assert "Enter your email address" in html
    assert "Enter your password" in html


def test_repeated_failures_lock_one_account_but_not_a_colleague_on_the_same_network(client, settings):
    victim = OfficerFactory()
    colleague = OfficerFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, victim.email, "wrong-password", address="203.0.113.9")
    locked = sign_in(client, victim.email, PASSWORD, address="203.0.113.9")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    response = sign_in(client, colleague.email, PASSWORD, address="203.0.113.9")
    assert response.context["user"] == colleague


def test_officer_cannot_open_staff_pages(client):
    client.force_login(OfficerFactory())
    for url in ("/accounts/people/", "/accounts/people/add/", "/cohorts/", "/cohorts/organisations/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "You do not have access to this page" in response.content.decode()


def test_mentor_cannot_open_staff_pages(client):
    client.force_login(MentorFactory())
    assert client.get("/accounts/people/").status_code == 403


def test_staff_add_a_person_with_roles_and_a_welcome_email_is_queued(client, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/accounts/people/add/",
            {
                "email": "New.Officer@Example.org",
                "full_name": "New Officer",
                "job_title": "Analyst",
                "organisation": borough("Hackney").pk,
                "roles": ["officer", "mentor"],
            },
        )
    assert response.status_code == 302
    person = User.objects.get(email="new.officer@example.org")
    assert (person.is_officer, person.is_mentor, person.is_programme_staff) == (True, True, False)
    assert person.organisation == borough("Hackney")
    assert not person.has_usable_password()
    message = Message.objects.get(kind="welcome")
    assert message.to_email == "new.officer@example.org"
    assert "/accounts/reset/" in message.body_text
    assert len(callbacks) == 1


def test_adding_an_officer_without_an_organisation_is_refused_next_to_the_field(client):
    client.force_login(StaffFactory())
    response = client.post("/accounts/people/add/", {"email": "x@example.org", "full_name": "X", "roles": ["officer"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the organisation this person works for" in html
    assert 'href="#id_organisation"' in html
    assert not User.objects.filter(email="x@example.org").exists()
    assert Message.objects.count() == 0


def test_adding_a_duplicate_email_is_refused(client):
    existing = OfficerFactory()
    client.force_login(StaffFactory())
    response = client.post(
        "/accounts/people/add/",
        {"email": existing.email.upper(), "full_name": "Y", "roles": ["programme_staff"]},
    )
    assert "A person with this email address already exists" in response.content.decode()
    assert User.objects.filter(email__iexact=existing.email).count() == 1


def test_staff_change_a_persons_roles(client):
    person = OfficerFactory()
    client.force_login(StaffFactory())
    response = client.post(
        f"/accounts/people/{person.pk}/",
        {
            "full_name": person.full_name,
            "job_title": "Lead",
            "organisation": person.organisation_id,
            "roles": ["officer", "mentor"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.is_officer, person.is_mentor, person.job_title) == (True, True, "Lead")


def test_people_list_query_count_does_not_grow_with_rows(client):
    client.force_login(StaffFactory())
    OfficerFactory()
    with CaptureQueriesContext(connection) as one:
        assert client.get("/accounts/people/").status_code == 200
    OfficerFactory.create_batch(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/accounts/people/").status_code == 200
    assert len(many) == len(one)


def test_password_reset_sends_a_link_through_the_outbox(client, django_capture_on_commit_callbacks):
    user = OfficerFactory()
    response = client.post("/accounts/password-reset/", {"email": user.email})
    assert response.status_code == 302
    message = Message.objects.get(kind="password_reset")
    assert message.to_email == user.email
    assert "/accounts/reset/" in message.body_text
    assert mail.outbox == []  # sent by the worker, not inside the request


def test_password_reset_does_not_reveal_unknown_addresses(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert Message.objects.count() == 0


def test_password_change(client):
    user = OfficerFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password-change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-much-longer-passphrase")


@pytest.mark.parametrize(
    ("new", "error"),
    [
        ("short-pass1", "This password is too short. It must contain at least 12 characters."),
        ("123456789012345", "This password is entirely numeric."),
        ("qwerty123456", "This password is too common."),
    ],
)
def test_password_change_refuses_short_numeric_and_common_passwords(client, new, error):
    user = OfficerFactory()
    client.force_login(user)
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    response = client.post("/accounts/password-change/", data)
    assert response.status_code == 200
    assert error in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
