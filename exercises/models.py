"""Practice linkage exercises: two synthetic files, the hidden true pairs, and officers' scored submissions."""

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, FloatField, Q
from django.db.models.functions import Cast, NullIf


class Exercise(models.Model):
    class Difficulty(models.TextChoices):
        EASY = "easy", "Easy"
        HARD = "hard", "Hard"

    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.PROTECT, related_name="exercises")
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, default=Difficulty.EASY)
    seed = models.PositiveIntegerField(help_text="The generator's seed: the same seed gives the same files")
    people = models.PositiveIntegerField(help_text="Residents in the left file")
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    leaderboard_on = models.BooleanField("show the cohort leaderboard", default=True)
    leaderboard_changed_at = models.DateTimeField(null=True, blank=True)
    leaderboard_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort__start_date", "title"]

    def __str__(self) -> str:
        return self.title


class ExerciseRecord(models.Model):
    """One synthetic resident in one of the exercise's two files."""

    class Side(models.TextChoices):
        LEFT = "left", "Left file"
        RIGHT = "right", "Right file"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="records")
    side = models.CharField(max_length=5, choices=Side.choices)
    record_id = models.CharField(max_length=20)
    first_name = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=200)
    postcode = models.CharField(max_length=10)

    class Meta:
        ordering = ["exercise", "side", "record_id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "side", "record_id"], name="exercise_record_unique_id")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} ({self.side})"


class TruePair(models.Model):
    """A left and a right record that are the same resident: the answer officers never see."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="true_pairs")
    left_id = models.CharField(max_length=20)
    right_id = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "left_id", "right_id"], name="exercise_true_pair_unique")
        ]

    def __str__(self) -> str:
        return f"{self.left_id} = {self.right_id}"


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def scored(self) -> "SubmissionQuerySet":
        return self.filter(status=Submission.Status.SCORED)

    def with_f1(self) -> "SubmissionQuerySet":
        """F1 = 2TP / (2TP + FP + FN), worked out in SQL so lists can rank by it."""
        return self.annotate(
            f1_value=ExpressionWrapper(
                Cast(2 * F("tp"), FloatField()) / NullIf(2 * F("tp") + F("fp") + F("fn"), 0), output_field=FloatField()
            )
        )


class Submission(models.Model):
    """An officer's pairs file and, once the worker has scored it, its counts. The counts are written
    only by services.submission_score; precision, recall and F1 are derived from them."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be scored"
        SCORED = "scored", "Scored"
        FAILED = "failed", "Could not be scored"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="submissions")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exercise_submissions")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    pairs_csv = models.TextField(editable=False)
    pair_count = models.PositiveIntegerField(editable=False)
    has_scores = models.BooleanField(default=False, editable=False)
    swapped_rows = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    tp = models.PositiveIntegerField(null=True, editable=False)
    fp = models.PositiveIntegerField(null=True, editable=False)
    fn = models.PositiveIntegerField(null=True, editable=False)
    # [threshold, pairs accepted at or above it, true pairs among them], highest threshold first
    curve = models.JSONField(default=list, editable=False)
    false_positive_sample = models.JSONField(default=list, editable=False)
    false_negative_sample = models.JSONField(default=list, editable=False)
    scored_at = models.DateTimeField(null=True, editable=False)
    failure = models.TextField(blank=True, editable=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["exercise", "officer", "-uploaded_at"], name="submission_officer_latest")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scored") | (Q(tp__isnull=False) & Q(fp__isnull=False) & Q(fn__isnull=False)),
                name="submission_scored_has_counts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} on {self.exercise} at {self.uploaded_at:%Y-%m-%d %H:%M}"

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.SCORED, self.Status.FAILED)
