from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "cllr"}


class Organisation(models.Model):
    """A council, the GLA, or a partner body such as the ONS Data Science Campus."""

    class Kind(models.TextChoices):
        BOROUGH = "borough", "London borough"
        CITY = "city", "City of London"
        REGIONAL = "regional", "Greater London Authority"
        PARTNER = "partner", "Partner organisation"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    # ONS Government Statistical Service code; partners have none.
    gss_code = models.CharField("GSS code", max_length=9, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        db_table = "cohorts_organisation"  # created by the cohorts app before it moved here
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_london_authority(self) -> bool:
        return self.kind != self.Kind.PARTNER


class UserQuerySet(models.QuerySet["User"]):
    def officers(self) -> "UserQuerySet":
        return self.filter(is_officer=True)

    def mentors(self) -> "UserQuerySet":
        return self.filter(is_mentor=True)

    def programme_staff(self) -> "UserQuerySet":
        return self.filter(is_programme_staff=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, is_programme_staff=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        # Email addresses are case-insensitive for people; sign-in should be too.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in by email. Roles are flags because one person may hold several."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    is_programme_staff = models.BooleanField("programme staff", default=False)
    is_mentor = models.BooleanField("mentor", default=False)
    is_officer = models.BooleanField("officer", default=False)
    # is_staff is Django admin access only (superusers); programme staff work in the app itself.
    is_staff = models.BooleanField("Django admin access", default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        # Mentors and staff are a few dozen among thousands of officers (issue 16: every mentor list,
        # select and load table read the whole table for them); these small indexes find them by name.
        indexes = [
            models.Index(fields=["full_name"], condition=Q(is_mentor=True), name="user_mentors_by_name"),
            models.Index(fields=["full_name"], condition=Q(is_programme_staff=True), name="user_staff_by_name"),
        ]
        constraints = [
            # Officers and mentors work for an organisation; it decides what they see and report.
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | (Q(is_officer=False) & Q(is_mentor=False)),
                name="officers_and_mentors_have_an_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """The name to greet someone by: their first name, not a title such as "Dr"."""
        words = [word for word in self.full_name.split() if word.rstrip(".").lower() not in TITLES]
        return words[0] if words else self.full_name or self.email

    @property
    def role_names(self) -> list[str]:
        names = []
        if self.is_programme_staff:
            names.append("Programme staff")
        if self.is_mentor:
            names.append("Mentor")
        if self.is_officer:
            names.append("Officer")
        return names


class IdentityProvider(models.Model):
    """An organisation's own OpenID Connect provider (for example its Microsoft Entra ID tenant).

    The client secret is never stored here: `client_secret_env` names the environment variable (or the
    secrets-store entry mounted as one) that holds it."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="identity_provider")
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in the redirect URI")
    display_name = models.CharField(
        max_length=100, help_text='How the button names the account: "Camden" gives "Continue with your Camden account"'
    )
    issuer = models.URLField("issuer URL", max_length=300, help_text="Discovery is read from <issuer>/.well-known/...")
    client_id = models.CharField(max_length=200)
    client_secret_env = models.CharField(
        "environment variable holding the client secret", max_length=100, help_text="For example OIDC_SECRET_CAMDEN"
    )
    allowed_domains = models.CharField(
        max_length=500, help_text="Email domains this provider vouches for, separated by commas: camden.gov.uk"
    )
    # Entra ID sends no email_verified claim; its optional claim xms_edov says the same thing.
    email_verified_claim = models.CharField(max_length=60, default="email_verified")
    # The sign-in counts as two-factor when the ID token's amr holds one of these, or its acr is one of these.
    mfa_amr_values = models.CharField(max_length=200, default="mfa", blank=True)
    mfa_acr_values = models.CharField(max_length=300, blank=True)
    # Provider-only: linked people lose their password, so a password reset cannot reopen a leaver's account.
    provider_only = models.BooleanField(default=True)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.issuer})"

    @staticmethod
    def _split(text: str) -> list[str]:
        return [part.strip().lower() for part in text.replace(" ", ",").split(",") if part.strip()]

    @property
    def domains(self) -> list[str]:
        return self._split(self.allowed_domains)

    @property
    def amr_values(self) -> list[str]:
        return self._split(self.mfa_amr_values)

    @property
    def acr_values(self) -> list[str]:
        return self._split(self.mfa_acr_values)

    def vouches_for(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.domains


class LinkedIdentity(models.Model):
    """A person's account at a provider, matched on (issuer, subject): never on email alone."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="linked_identities")
    provider = models.ForeignKey(IdentityProvider, on_delete=models.PROTECT, related_name="identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    email_at_link = models.EmailField()
    linked_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-linked_at"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_provider_subject"),
            models.UniqueConstraint(fields=["user", "provider"], name="one_identity_per_person_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.email_at_link} at {self.issuer}"


class UserSession(models.Model):
    """One signed-in session of a person, so that their sessions can be listed and ended in one query.

    The row belongs to Django's session row: when the session is deleted (sign-out, expiry clean-up,
    sign-out everywhere) the ORM deletes this row with it."""

    session = models.OneToOneField(
        "sessions.Session", primary_key=True, on_delete=models.CASCADE, related_name="+", db_column="session_key"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"


class SecondFactorThrottle(models.Model):
    """Wrong codes at the second-factor step, per person: after the limit the step is locked for the
    same cool-off as the password step (AXES_COOLOFF_TIME)."""

    user = models.OneToOneField(User, primary_key=True, on_delete=models.CASCADE, related_name="+")
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.failures} failures"
