import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.actions import Action
from audit.log import changes, record, record_many, snapshot
from common.bulk import objects_insert
from common.site import absolute_url

from .mail import account_email_queue, account_emails_queue_many
from .models import Organisation, User
from .sessions import sessions_end


def password_set_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def password_set_urls(users: list[User]) -> list[str]:
    """password_set_url for many people (a roster import): the address is worked out once, with two
    markers where each person's uid and token go. Both are URL-safe base64 and hex, as reverse() would
    leave them."""
    link = absolute_url(reverse("accounts:password_reset_confirm", kwargs={"uidb64": "UIDMARK", "token": "TOKENMARK"}))
    head, rest = link.rsplit("UIDMARK", 1)
    middle, tail = rest.rsplit("TOKENMARK", 1)
    return [
        f"{head}{urlsafe_base64_encode(force_bytes(user.pk))}{middle}{default_token_generator.make_token(user)}{tail}"
        for user in users
    ]


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    organisation: Organisation | None,
    job_title: str = "",
    is_programme_staff: bool = False,
    is_mentor: bool = False,
    is_officer: bool = False,
    created_by: User | None = None,
    send_welcome: bool = True,
) -> User:
    """Adds a person with no usable password; the welcome email carries a link to set one."""
    user = User(
        email=User.objects.normalize_email(email).lower(),
        full_name=full_name,
        organisation=organisation,
        job_title=job_title,
        is_programme_staff=is_programme_staff,
        is_mentor=is_mentor,
        is_officer=is_officer,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    if created_by is not None:
        roles = {name: value for name, value in snapshot(user, ROLE_FIELDS).items() if value}
        record(Action.ROLE_CHANGED, actor=created_by, obj=user, before={}, after=roles, added=True)
    if send_welcome:
        account_email_queue(
            user=user,
            kind="welcome",
            dedup_key=f"welcome:{user.pk}",
            template="welcome",
            context={"user": user, "set_password_url": password_set_url(user), "added_by": created_by},
        )
    return user


@transaction.atomic
def officers_create_many(*, people: list[dict], created_by: User | None = None) -> list[User]:
    """user_create for many officers at once (a roster import), in a fixed number of queries: each dict
    holds email, full_name, organisation and job_title of someone with no account yet (the caller has
    checked). Each gets the same welcome email as user_create sends."""
    users = []
    for person in people:
        user = User(
            email=User.objects.normalize_email(person["email"]).lower(),
            full_name=person["full_name"],
            organisation=person["organisation"],
            job_title=person.get("job_title", ""),
            is_officer=True,
        )
        # As set_unusable_password(), with the random suffix from one call to the OS, not one a character.
        user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(UNUSABLE_PASSWORD_SUFFIX_LENGTH // 2)
        # The caller has looked every address up in one query and the organisation is a row it read, so
        # neither is checked again per person; the unique index is the final word.
        user.full_clean(exclude=["organisation"], validate_unique=False, validate_constraints=False)
        users.append(user)
    users = objects_insert(users)
    if created_by is not None:  # as user_create: the officer role each new account was given
        added = [(user, {}, {"is_officer": True, "is_active": True}) for user in users]
        record_many(Action.ROLE_CHANGED, added, actor=created_by, added=True)
    account_emails_queue_many(
        emails=[
            {
                "user": user,
                "kind": "welcome",
                "dedup_key": f"welcome:{user.pk}",
                "template": "welcome",
                "context": {"user": user, "set_password_url": link, "added_by": created_by},
            }
            for user, link in zip(users, password_set_urls(users), strict=True)
        ]
    )
    return users


@transaction.atomic
def user_update(
    *,
    user: User,
    full_name: str,
    organisation: Organisation | None,
    job_title: str,
    is_programme_staff: bool,
    is_mentor: bool,
    is_officer: bool,
    is_active: bool,
    actor: User | None = None,
) -> User:
    old_roles = (user.is_programme_staff, user.is_mentor, user.is_officer, user.is_active)
    """Staff edit a person. Role changes and other changes are recorded separately in the audit log,
    so "who gave this person staff rights" is one filter away."""
    old = snapshot(user, ROLE_FIELDS + PERSON_FIELDS)
    user.full_name = full_name
    user.organisation = organisation
    user.job_title = job_title
    user.is_programme_staff = is_programme_staff
    user.is_mentor = is_mentor
    user.is_officer = is_officer
    user.is_active = is_active
    user.full_clean()
    user.save()
    if old_roles != (is_programme_staff, is_mentor, is_officer, is_active):
        # A change of privilege: the person's sessions end, so that the next one starts under the new
        # roles (and, for a new staff or mentor role, with the second factor it now requires).
        sessions_end(user=user)
    for action, fields in ((Action.ROLE_CHANGED, ROLE_FIELDS), (Action.PERSON_CHANGED, PERSON_FIELDS)):
        before, after = changes(user, fields, old)
        if after:
            record(action, actor=actor, obj=user, before=before, after=after)
    return user


ROLE_FIELDS = ["is_programme_staff", "is_mentor", "is_officer", "is_active"]
PERSON_FIELDS = ["full_name", "job_title", "organisation_id"]
