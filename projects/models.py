from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast

from .quality import Estimate, wilson
from .quality import f1 as f1_range


class MilestoneTemplate(models.Model):
    """One step of a milestone plan. Rows without a cohort are the default plan (seeded by a data
    migration); a cohort gets its own copy the first time staff edit its plan."""

    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, null=True, blank=True, related_name="milestone_templates"
    )
    title = models.CharField(max_length=200)
    due_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(52)])
    order = models.PositiveSmallIntegerField(default=0)
    # The milestone cannot be marked done while a needed information-governance approval is missing.
    needs_ig_approval = models.BooleanField("needs information-governance approval", default=False)

    class Meta:
        ordering = ["order", "due_week", "pk"]

    def __str__(self) -> str:
        return f"Week {self.due_week}: {self.title}"


class Project(models.Model):
    class MatchingApproach(models.TextChoices):
        DETERMINISTIC = "deterministic", "Deterministic"
        FUZZY = "fuzzy", "Fuzzy"
        PROBABILISTIC = "probabilistic", "Probabilistic"
        MIXED = "mixed", "A mix of approaches"

    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=200)
    problem_statement = models.TextField()
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="projects")
    lead_mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
        limit_choices_to={"is_mentor": True},
    )
    matching_approach = models.CharField(max_length=20, choices=MatchingApproach.choices, blank=True)
    tools = models.CharField(max_length=300, blank=True, help_text="For example Python, pandas, Splink")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Dataset(models.Model):
    class KeyField(models.TextChoices):
        NAME = "name", "Name"
        DATE_OF_BIRTH = "date_of_birth", "Date of birth"
        ADDRESS = "address", "Address"
        POSTCODE = "postcode", "Postcode"
        UPRN = "uprn", "UPRN"
        NHS_NUMBER = "nhs_number", "NHS number"
        NI_NUMBER = "ni_number", "National Insurance number"
        OTHER = "other", "Other"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="datasets")
    name = models.CharField(max_length=200)
    owning_service = models.CharField(max_length=200)
    holds_personal_data = models.BooleanField()
    approximate_records = models.PositiveIntegerField()
    # A list of KeyField values. JSON rather than an array column so SQLite works too.
    key_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def key_field_labels(self) -> list[str]:
        labels = dict(self.KeyField.choices)
        return [labels.get(value, value) for value in self.key_fields]


class IGCheck(models.Model):
    """An information-governance check. Every project has exactly one of each kind.

    The officer records the evidence (status, who approved it and where the document is); the check
    counts as settled only once someone other than the project's officers has confirmed it: programme
    staff, or the named approver through a signed link (`projects/services/ig.py`)."""

    class Kind(models.TextChoices):
        DPIA = "dpia", "Data protection impact assessment (DPIA)"
        DATA_SHARING = "data_sharing", "Data sharing agreement"
        ETHICS = "ethics", "Ethics review"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        APPROVED = "approved", "Approved"
        NOT_NEEDED = "not_needed", "Not needed"

    class Confirmation(models.TextChoices):
        NONE = "none", "Nothing to confirm yet"
        WAITING = "waiting", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    # Statuses an officer can claim; a claim still needs confirming before it counts.
    CLAIMED = (Status.APPROVED, Status.NOT_NEEDED)
    SETTLED = CLAIMED  # kept for callers that ask which statuses can be confirmed

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ig_checks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    decided_on = models.DateField("approval date", null=True, blank=True)
    approver_name = models.CharField("approver’s name", max_length=200, blank=True)
    approver_role = models.CharField("approver’s role", max_length=200, blank=True)
    approver_email = models.EmailField("approver’s email address", blank=True)
    reference = models.CharField(max_length=200, blank=True)
    document_url = models.URLField("document link", max_length=500, blank=True)
    reason = models.TextField("why it is not needed", blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    confirmation = models.CharField(
        max_length=20, choices=Confirmation.choices, default=Confirmation.NONE, db_index=True
    )
    # Who confirmed or rejected: a member of staff, or (with no account) the named approver by link.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by_label = models.CharField(max_length=400, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    # Grows with every new piece of evidence and every reopening, so an emailed link for older
    # evidence stops working.
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="one_ig_check_of_each_kind"),
            # A claim (approved, not needed) always has a confirmation state; anything else has none.
            models.CheckConstraint(
                condition=(Q(status__in=["approved", "not_needed"]) & ~Q(confirmation="none"))
                | (~Q(status__in=["approved", "not_needed"]) & Q(confirmation="none")),
                name="ig_claim_has_confirmation_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_status_display()}"

    @property
    def is_settled(self) -> bool:
        """Counts for the data-access milestone: confirmed by someone other than the project's officers."""
        return self.confirmation == self.Confirmation.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.confirmation == self.Confirmation.WAITING


class IGCheckEvent(models.Model):
    """One change to an IG check: who (a user, or the named approver by link), when, from what to what."""

    class Action(models.TextChoices):
        RECORDED = "recorded", "Evidence recorded"
        REQUESTED = "requested", "Confirmation requested by email"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"
        REOPENED = "reopened", "Reopened"
        MIGRATED = "migrated", "Self-reported before confirmation was required"

    ig_check = models.ForeignKey(IGCheck, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The person as they were named at the time (the approver has no account; a user may be renamed).
    actor_label = models.CharField(max_length=400)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    from_confirmation = models.CharField(max_length=20, blank=True)
    to_confirmation = models.CharField(max_length=20)
    # {"field": [old, new]} for each piece of evidence that changed.
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.ig_check}: {self.get_action_display()} by {self.actor_label}"


class Milestone(models.Model):
    class State(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DONE = "done", "Done, awaiting sign-off"
        SIGNED_OFF = "signed_off", "Signed off"
        SENT_BACK = "sent_back", "Sent back"

    # Still owed by the officer: these are the states in which a past due date makes a milestone overdue.
    OPEN = (State.NOT_STARTED, State.SENT_BACK)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    due_week = models.PositiveSmallIntegerField()
    # Copied from the cohort's training session of the due week when the plan is copied in.
    due_on = models.DateField()
    needs_ig_approval = models.BooleanField(default=False)
    state = models.CharField(max_length=20, choices=State.choices, default=State.NOT_STARTED, db_index=True)
    note = models.TextField(blank=True)
    evidence_url = models.URLField("evidence link", blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "due_week", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue_on(self, today: date) -> bool:
        return self.state in self.OPEN and self.due_on < today


class ProgressLog(models.Model):
    class RAG(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="logs")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_logs")
    week_number = models.PositiveSmallIntegerField()
    what_i_did = models.TextField("what I did")
    whats_next = models.TextField("what’s next")
    blockers = models.TextField(blank=True)
    rag_status = models.CharField("status", max_length=10, choices=RAG.choices)
    hours = models.DecimalField(
        "hours spent",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("80"))],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_number", "officer__full_name"]
        # A project's latest log (its status) is read for every project in a list: one index step each.
        indexes = [
            models.Index(fields=["project", "-week_number", "-created_at", "-id"], name="log_latest_per_project")
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "officer", "week_number"], name="one_log_per_officer_per_week"),
            models.CheckConstraint(condition=Q(hours__gte=0, hours__lte=80), name="log_hours_0_to_80"),
        ]

    def __str__(self) -> str:
        return f"{self.project}: week {self.week_number} by {self.officer}"

    @property
    def has_blockers(self) -> bool:
        return bool(self.blockers.strip())


class LogComment(models.Model):
    log = models.ForeignKey(ProgressLog, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} on {self.log}"


class LinkageRun(models.Model):
    """One run of the officers' matching pipeline, with what they measured about its quality.

    The officer records counts: the clerical review sample (pairs reviewed, of which true matches) and,
    where a truth set or known-match list exists, its size and how many of it the run found. Precision,
    recall and F1 are worked out from them (`projects/quality.py`), never typed. A measured run counts
    once someone other than the project's officers (its lead mentor or programme staff) confirms the
    counts (`projects/services/linkage.py`). Runs recorded before counts existed keep their typed
    figures as `reported_*` and are shown as self-reported, never as measured."""

    class Quality(models.TextChoices):
        SELF_REPORTED = "self_reported", "Self-reported figures"
        WAITING = "waiting", "Measured, waiting for confirmation"
        CONFIRMED = "confirmed", "Measured and confirmed"
        REJECTED = "rejected", "Measured, counts rejected"

    MEASURED = (Quality.WAITING, Quality.CONFIRMED, Quality.REJECTED)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="linkage_runs")
    run_on = models.DateField("date of run")
    records_left = models.PositiveIntegerField("records in first dataset")
    records_right = models.PositiveIntegerField("records in second dataset")
    candidate_pairs = models.PositiveIntegerField()
    matches_accepted = models.PositiveIntegerField()
    sample_size = models.PositiveIntegerField("pairs reviewed in the clerical review sample")
    # Null only on self-reported runs, which recorded a sample size but not what the review found.
    sample_true_matches = models.PositiveIntegerField("true matches in the review sample", null=True, blank=True)
    # Both null when there is no truth set or known-match list.
    truth_set_size = models.PositiveIntegerField("matches in the truth set", null=True, blank=True)
    truth_set_found = models.PositiveIntegerField("truth-set matches the run found", null=True, blank=True)
    # Typed figures from before counts were recorded: kept as they were, shown as self-reported.
    reported_precision = models.DecimalField(
        "self-reported precision",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    reported_recall = models.DecimalField(
        "self-reported recall",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    quality = models.CharField(max_length=20, choices=Quality.choices, default=Quality.WAITING, db_index=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who confirmed or rejected the counts, as they were named at the time, and when.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by_label = models.CharField(max_length=400, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["run_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_precision__isnull=True) | Q(reported_precision__gte=0, reported_precision__lte=1),
                name="run_reported_precision_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(reported_recall__isnull=True) | Q(reported_recall__gte=0, reported_recall__lte=1),
                name="run_reported_recall_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(sample_size__lte=models.F("candidate_pairs")), name="run_sample_within_candidates"
            ),
            models.CheckConstraint(
                condition=Q(matches_accepted__lte=models.F("candidate_pairs")), name="run_matches_within_candidates"
            ),
            # Measured runs: counts that can all be true (projects/quality.py: impossible_counts), no typed figures.
            models.CheckConstraint(
                condition=Q(quality="self_reported")
                | Q(
                    sample_true_matches__isnull=False,
                    sample_true_matches__lte=models.F("sample_size"),
                    sample_size__lte=models.F("matches_accepted"),
                    candidate_pairs__lte=Cast("records_left", models.BigIntegerField())
                    * Cast("records_right", models.BigIntegerField()),
                    reported_precision__isnull=True,
                    reported_recall__isnull=True,
                ),
                name="run_measured_counts_possible",
            ),
            models.CheckConstraint(
                condition=Q(truth_set_size__isnull=True, truth_set_found__isnull=True)
                | (
                    Q(truth_set_size__gte=1, truth_set_found__lte=models.F("truth_set_size"))
                    & Q(truth_set_found__lte=models.F("matches_accepted"))
                ),
                name="run_truth_set_counts_possible",
            ),
            models.CheckConstraint(
                condition=Q(quality__in=["confirmed", "rejected"], reviewed_at__isnull=False)
                | Q(quality__in=["self_reported", "waiting"], reviewed_at__isnull=True),
                name="run_review_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: run on {self.run_on}"

    @property
    def is_measured(self) -> bool:
        return self.quality in self.MEASURED

    @property
    def is_confirmed(self) -> bool:
        return self.quality == self.Quality.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.quality == self.Quality.WAITING

    @property
    def precision(self) -> Estimate | None:
        """From the review sample; None (not measured) for a self-reported run or an empty sample."""
        if not self.is_measured or self.sample_true_matches is None:
            return None
        return wilson(self.sample_true_matches, self.sample_size)

    @property
    def recall(self) -> Estimate | None:
        """From the truth set; None (not measured) without one."""
        if not self.is_measured or self.truth_set_size is None or self.truth_set_found is None:
            return None
        return wilson(self.truth_set_found, self.truth_set_size)

    @property
    def f1(self) -> Estimate | None:
        return f1_range(self.precision, self.recall)


class CaseStudy(models.Model):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="case_study")
    summary = models.TextField()
    what_was_linked = models.TextField()
    results = models.TextField()
    lessons = models.TextField()
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "case studies"
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"Case study: {self.project}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
