"""What happens after the 12 weeks: graduation, the trainer pathway and cascade sessions."""

from django.db import models


class Graduation(models.Model):
    """The certificate of an officer who completed a cohort. The enrolment's COMPLETED status is the
    fact (recorded with who and when by enrolment_set_status); this row holds what the certificate
    needs: the date, the showcase answer staff gave, and an unguessable token for the public
    verification link."""

    enrolment = models.OneToOneField("cohorts.Enrolment", on_delete=models.PROTECT, related_name="graduation")
    graduated_on = models.DateField()
    showcase_presented = models.BooleanField(default=False)
    verification_token = models.CharField(max_length=64, unique=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cohorts_graduation"  # created by the cohorts app before trainers existed
        ordering = ["-graduated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.enrolment.officer} graduated from {self.enrolment.cohort}"


class TrainerStep(models.Model):
    """A step on the trainer pathway: graduate, then co-facilitator, then trainer."""

    class Kind(models.TextChoices):
        CO_FACILITATOR = "co_facilitator", "Co-facilitator"
        TRAINER = "trainer", "Trainer"

    graduate = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="trainer_steps")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    happened_on = models.DateField()
    note = models.CharField(max_length=300, help_text="For example: co-facilitated week 3 of the autumn cohort")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cohorts_trainerstep"  # created by the cohorts app before trainers existed
        ordering = ["happened_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["graduate", "kind"], name="one_trainer_step_of_each_kind")]

    def __str__(self) -> str:
        return f"{self.graduate}: {self.get_kind_display()} on {self.happened_on}"


class CascadeSession(models.Model):
    """A session a graduate delivered to colleagues in their own organisation."""

    class Format(models.TextChoices):
        WORKSHOP = "workshop", "Workshop"
        PAIRING = "pairing", "Pairing"
        LUNCH_AND_LEARN = "lunch_and_learn", "Lunch and learn"
        OTHER = "other", "Other"

    graduate = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="cascade_sessions")
    # The graduate's organisation when the session was logged: impact is counted there.
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="cascade_sessions")
    delivered_on = models.DateField("date")
    topic = models.CharField(max_length=200)
    format = models.CharField(max_length=20, choices=Format.choices)
    length_minutes = models.PositiveSmallIntegerField("length in minutes")
    colleagues_reached = models.PositiveSmallIntegerField()
    # A list of email addresses. JSON rather than an array column so SQLite works too.
    attendee_emails = models.JSONField(default=list, blank=True)
    verified_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "cohorts_cascadesession"  # created by the cohorts app before trainers existed
        ordering = ["-delivered_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(colleagues_reached__gte=1), name="cascade_reaches_someone"),
            models.CheckConstraint(
                condition=models.Q(length_minutes__gte=1, length_minutes__lte=600), name="cascade_length_1_to_600"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} by {self.graduate} on {self.delivered_on}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None
