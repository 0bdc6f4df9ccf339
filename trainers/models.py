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


class SkillStatement(models.Model):
    """One statement of a cohort's skills self-assessment, such as "I can write a fuzzy matching rule
    in Python", which officers rate from 1 (not at all) to 5 (confidently) at each stage."""

    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="skill_statements")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cohort", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["cohort", "text"], name="skill_statement_unique_in_cohort")]

    def __str__(self) -> str:
        return self.text


class SelfAssessment(models.Model):
    """One officer's answers at one stage. Uplift compares the same officer's stages, statement by
    statement (trainers/uplift.py)."""

    class Stage(models.TextChoices):
        BEFORE = "before", "Before the bootcamp"
        WEEK_12 = "week_12", "At the end of the 12 weeks"
        THREE_MONTHS = "three_months", "Three months after graduating"

    enrolment = models.ForeignKey("cohorts.Enrolment", on_delete=models.CASCADE, related_name="self_assessments")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["enrolment", "submitted_at"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "stage"], name="one_self_assessment_per_stage")]

    def __str__(self) -> str:
        return f"{self.enrolment.officer}: {self.get_stage_display()}"


class SkillRating(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    statement = models.ForeignKey(SkillStatement, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "statement"], name="one_rating_per_statement"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="skill_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.score}"
