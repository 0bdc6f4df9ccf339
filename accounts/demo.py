"""Demo people for `seed_demo`. Each app keeps its own demo module; the command runs them in order."""

import os

from accounts.models import IdentityProvider, Organisation

from .models import User

DEMO_PASSWORD = "bootcamp-demo"
# The authenticator-app secret of every demo staff and mentor account (they must use a second factor).
# Public on purpose, like the password: make codes with
#   python -c "import pyotp; print(pyotp.TOTP('LOTIBOOTCAMPDEMOSECRETTOTP234567').now())"
DEMO_TOTP_SECRET = "LOTIBOOTCAMPDEMOSECRETTOTP234567"

STAFF = [
    ("staff@example.org", "Priya Shah", "Programme manager", "London Office of Technology and Innovation"),
    ("staff2@example.org", "Tom Okafor", "Programme officer", "ONS Data Science Campus"),
]
MENTORS = [
    ("mentor@example.org", "Dr Hannah Reid", "Senior data scientist", "ONS Data Science Campus"),
    ("mentor2@example.org", "Samir Patel", "Data scientist", "ONS Data Science Campus"),
    ("mentor3@example.org", "Chloe Evans", "Principal data scientist", "ONS Data Science Campus"),
]
# 15 pilot officers from different boroughs and the GLA; officer@ and officer2@ are the demo sign-ins.
OFFICERS = [
    ("officer@example.org", "Amara Johnson", "Housing data analyst", "Camden"),
    ("officer2@example.org", "Daniel Kowalski", "Performance officer", "Lewisham"),
    ("officer3@example.org", "Fatima Begum", "Insight analyst", "Tower Hamlets"),
    ("officer4@example.org", "George Mensah", "Revenues and benefits analyst", "Croydon"),
    ("officer5@example.org", "Harriet Cole", "Data officer", "Barnet"),
    ("officer6@example.org", "Imran Hussain", "Business intelligence analyst", "Newham"),
    ("officer7@example.org", "Julia Novak", "Policy analyst", "Greater London Authority"),
    ("officer8@example.org", "Kwame Asante", "Children's services analyst", "Hackney"),
    ("officer9@example.org", "Laura Byrne", "Adult social care analyst", "Islington"),
    ("officer10@example.org", "Mohammed Ali", "Data engineer", "Brent"),
    ("officer11@example.org", "Nadia Rahman", "Research officer", "Southwark"),
    ("officer12@example.org", "Oliver Grant", "Public health analyst", "Lambeth"),
    ("officer13@example.org", "Ruth Adeyemi", "Council tax analyst", "Enfield"),
    ("officer14@example.org", "Sean Murphy", "Homelessness data lead", "Waltham Forest"),
    ("officer15@example.org", "Yasmin Clarke", "Digital officer", "Westminster"),
]


def _person(email: str, name: str, title: str, organisation: str, **roles) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": name,
            "job_title": title,
            "organisation": Organisation.objects.get(name=organisation),
            **roles,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


# Camden signs its people in with its own provider: in the demo, the local test provider
# (`make oidc-provider`, tests/oidc/provider). The secret is made by scripts/run-local.sh at start.
DEMO_PROVIDER_ISSUER = os.environ.get("OIDC_DEMO_ISSUER", "http://127.0.0.1:9400")
SSO_OFFICER = ("sso.officer@camden.example.org", "Sasha Okoro", "Housing data analyst", "Camden")


def seed_identity_provider() -> IdentityProvider:
    provider, _ = IdentityProvider.objects.get_or_create(
        slug="camden",
        defaults={
            "organisation": Organisation.objects.get(name="Camden"),
            "display_name": "Camden",
            "issuer": DEMO_PROVIDER_ISSUER,
            "client_id": "bootcamp-demo",
            "client_secret_env": "OIDC_SECRET_CAMDEN",
            "allowed_domains": "camden.example.org",
        },
    )
    return provider


def _authenticator_app(user: User) -> None:
    """The demo secret as the person's confirmed authenticator app (idempotent)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .twofactor import APP_DEVICE_NAME, TOTP_TOLERANCE, secret_hex

    if not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, key=secret_hex(DEMO_TOTP_SECRET), confirmed=True, tolerance=TOTP_TOLERANCE
        )


def seed() -> dict:
    staff = [_person(*row, is_programme_staff=True) for row in STAFF]
    mentors = [_person(*row, is_mentor=True) for row in MENTORS]
    for person in staff + mentors:
        _authenticator_app(person)
    officers = [_person(*row, is_officer=True) for row in OFFICERS]
    seed_identity_provider()
    # Signs in only through Camden's provider: no password of its own.
    sso_officer, created = User.objects.get_or_create(
        email=SSO_OFFICER[0],
        defaults={
            "full_name": SSO_OFFICER[1],
            "job_title": SSO_OFFICER[2],
            "organisation": Organisation.objects.get(name=SSO_OFFICER[3]),
            "is_officer": True,
        },
    )
    if created:
        sso_officer.set_unusable_password()
        sso_officer.save(update_fields=["password"])
    return {"staff": staff, "mentors": mentors, "officers": officers, "sso_officer": sso_officer}
