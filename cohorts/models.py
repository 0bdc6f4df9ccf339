from datetime import date, datetime, time, timedelta

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import Organisation


class Cohort(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RECRUITING = "recruiting", "Recruiting"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"

    class BankHolidayRule(models.TextChoices):
        SAME_WEEK = "same_week", "Move it to the next working day in the same week"
        NEXT_WEEK = "next_week", "Move it to the same day of the following week, and the weeks after it with it"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    start_date = models.DateField()
    training_weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    weeks = models.PositiveSmallIntegerField(default=12)
    capacity = models.PositiveSmallIntegerField(default=15)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Training days run 10:00 to 16:00 London time unless a session says otherwise.
    day_starts = models.TimeField(default=time(10, 0))
    day_ends = models.TimeField(default=time(16, 0))
    # The last N hours of each training day are project time: officers work on their projects and may
    # book office hours with mentors then. The rest of the day is taught; nothing is booked over it.
    project_time_hours = models.PositiveSmallIntegerField(
        "project time at the end of each training day (hours)", default=0, validators=[MaxValueValidator(6)]
    )
    default_location = models.CharField(max_length=300, blank=True)
    # What happens to a training day that falls on a bank holiday (cohorts.services.planning).
    bank_holiday_rule = models.CharField(
        max_length=20, choices=BankHolidayRule.choices, default=BankHolidayRule.SAME_WEEK
    )
    # Councils close from Christmas Day to New Year's Day: unless staff include it, no training then.
    trains_over_christmas = models.BooleanField("train between Christmas and New Year", default=False)
    curriculum = models.ForeignKey(
        "CurriculumTemplate", on_delete=models.SET_NULL, null=True, blank=True, related_name="cohorts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weeks__gte=1, weeks__lte=52), name="cohort_weeks_1_to_52"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="cohort_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationPlaces(models.Model):
    """An optional cap on places for one organisation in one cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="organisation_places")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    places = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "organisation"], name="one_place_cap_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.places} places in {self.cohort}"


class Stream(models.Model):
    """A part of a cohort's weeks, such as an 8-week foundations stream."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="streams")
    name = models.CharField(max_length=100)
    first_week = models.PositiveSmallIntegerField()
    last_week = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["first_week", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="stream_name_unique_in_cohort"),
            models.CheckConstraint(
                condition=models.Q(first_week__lte=models.F("last_week")), name="stream_weeks_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (weeks {self.first_week} to {self.last_week})"

    def covers(self, week_number: int) -> bool:
        return self.first_week <= week_number <= self.last_week


class CurriculumTemplate(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CurriculumTopic(models.Model):
    template = models.ForeignKey(CurriculumTemplate, on_delete=models.CASCADE, related_name="topics")
    week_number = models.PositiveSmallIntegerField()
    topic = models.CharField(max_length=200)
    materials = models.TextField(blank=True, help_text="One link per line")

    class Meta:
        ordering = ["week_number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "week_number"], name="one_topic_per_week_in_template")
        ]

    def __str__(self) -> str:
        return f"Week {self.week_number}: {self.topic}"


class TrainingSession(models.Model):
    """One training day of a cohort. Times are stored in UTC and shown in Europe/London."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    week_number = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    topic = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(blank=True)
    materials = models.TextField(blank=True, help_text="One link per line")
    # Set when the usual training day was a bank holiday or in the Christmas break, and why it moved.
    moved_from = models.DateField(null=True, blank=True)
    moved_reason = models.CharField(max_length=200, blank=True)
    is_cancelled = models.BooleanField(default=False)
    sequence = models.PositiveIntegerField(default=0, help_text="Calendar SEQUENCE, raised on every change")

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "week_number"], name="one_session_per_cohort_week"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} week {self.week_number}"

    @property
    def materials_links(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]

    @property
    def register_opens_on(self) -> date:
        """Registers open on the session's day (London), so marks record what happened, not a guess."""
        return timezone.localtime(self.starts_at).date()

    @property
    def register_is_open(self) -> bool:
        return not self.is_cancelled and self.register_opens_on <= timezone.localdate()

    @property
    def feedback_closes_at(self) -> datetime:
        return self.ends_at + timedelta(days=FEEDBACK_OPEN_DAYS)

    @property
    def taught_ends_at(self) -> datetime:
        """When teaching ends: the session's end less the cohort's project time (never before the start).
        Reads `cohort`, so select_related it when looping over sessions."""
        return max(self.starts_at, self.ends_at - timedelta(hours=self.cohort.project_time_hours))


class Enrolment(models.Model):
    """An officer's application to a cohort and everything that follows from it. Its status is stored
    once, here; EnrolmentEvent keeps the history of who changed it and when."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        MANAGER_APPROVED = "manager_approved", "Manager approved"
        SELECTED = "selected", "Selected"
        WAITLISTED = "waitlisted", "Waitlisted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"
        NOT_SELECTED = "not_selected", "Not selected"

    class OutcomeReason(models.TextChoices):
        """Why an application was not selected: a fixed set, so letters and reports say the same thing."""

        OVERSUBSCRIBED = "oversubscribed", "There were more strong applications than places"
        ORGANISATION_PLACES = "organisation_places", "Your organisation’s places on this cohort are taken"
        PROBLEM_NOT_READY = "problem_not_ready", "The data-matching problem is not ready for the bootcamp yet"
        EXPERIENCE = "experience", "The bootcamp does not fit your experience at the moment"
        LATER_COHORT = "later_cohort", "A later cohort would suit you better"

    class ManagerDecision(models.TextChoices):
        PENDING = "pending", "Waiting for manager"
        APPROVED = "approved", "Manager approved"
        DECLINED = "declined", "Manager declined"

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    officer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="enrolments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="enrolments")
    stream = models.ForeignKey(Stream, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED, db_index=True)
    job_title = models.CharField(max_length=150, blank=True)
    motivation = models.TextField(blank=True)
    prior_experience = models.TextField(blank=True)
    proposed_problem = models.TextField("proposed data-matching problem", blank=True)
    line_manager_name = models.CharField(max_length=150, blank=True)
    line_manager_email = models.EmailField(blank=True)
    manager_decision = models.CharField(max_length=20, choices=ManagerDecision.choices, default=ManagerDecision.PENDING)
    manager_decided_at = models.DateTimeField(null=True, blank=True)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # Set when staff decide "not selected"; who and when are in the EnrolmentEvent of that change.
    outcome_reason = models.CharField(max_length=30, choices=OutcomeReason.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    applied_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "officer__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "officer"], name="one_enrolment_per_officer_per_cohort")
        ]

    def __str__(self) -> str:
        return f"{self.officer} in {self.cohort} ({self.get_status_display()})"

    @property
    def has_open_offer(self) -> bool:
        from django.utils import timezone

        return (
            self.status == self.Status.WAITLISTED
            and self.offer_expires_at is not None
            and self.offer_expires_at > timezone.now()
        )


class EnrolmentEvent(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.from_status or 'new'} to {self.to_status}"

    @property
    def to_status_label(self) -> str:
        """The status as people read it ("Manager approved"), not its stored code."""
        if self.to_status in Enrolment.Status.values:
            return Enrolment.Status(self.to_status).label
        return self.to_status


class ApplicationScore(models.Model):
    """One member of staff's score for one application; the page shows the mean of all of them."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=300, blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "scorer"], name="one_score_per_scorer"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.scorer} scored {self.enrolment}: {self.score}"


class Attendance(models.Model):
    """One officer's mark in one session's register."""

    class Mark(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    mark = models.CharField(max_length=10, choices=Mark.choices)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="one_mark_per_officer_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.officer} {self.get_mark_display()} at {self.session}"

    @property
    def attended(self) -> bool:
        return self.mark in (self.Mark.PRESENT, self.Mark.LATE)


class Announcement(models.Model):
    """A message from staff to one audience, sent once. Its recipients are fixed when it is sent
    (AnnouncementRecipient), so the home-page banner and the delivery counts describe the same people."""

    class Audience(models.TextChoices):
        COHORT = "cohort", "Officers on a cohort"
        STREAM = "stream", "Officers on a stream"
        ORGANISATION = "organisation", "An organisation’s officers"
        MENTORS = "mentors", "All mentors"
        GRADUATES = "graduates", "All graduates"

    title = models.CharField(max_length=120)
    body = models.TextField()
    audience = models.CharField(max_length=20, choices=Audience.choices)
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    stream = models.ForeignKey(Stream, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Essential mail reaches everyone; optional mail respects each person's unsubscriptions.
    is_essential = models.BooleanField(default=False)
    sent_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(audience="cohort", cohort__isnull=False)
                    | models.Q(audience="stream", stream__isnull=False)
                    | models.Q(audience="organisation", organisation__isnull=False)
                    | models.Q(audience__in=["mentors", "graduates"])
                ),
                name="announcement_audience_has_its_target",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementRecipient(models.Model):
    """One person an announcement was sent to, and whether they dismissed its banner."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="announcements_received")
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="one_announcement_per_recipient")]
        indexes = [models.Index(fields=["user", "dismissed_at"], name="announcement_banner_lookup")]

    def __str__(self) -> str:
        return f"{self.announcement} to {self.user}"


# An officer who attended a session may give feedback on it for this many days after it ends.
FEEDBACK_OPEN_DAYS = 7
# Aggregate feedback is shown only where at least this many officers answered, so no one answer
# (and no one officer) can be picked out by the trainers and mentors who read it.
FEEDBACK_MIN_RESPONSES = 3


class SessionFeedback(models.Model):
    """One officer's feedback on one training session they attended. The officer is kept only so
    the database can hold them to one response; every page that shows feedback shows it without
    names, in aggregate, and only where FEEDBACK_MIN_RESPONSES or more answered."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="feedback")
    officer = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    pace = models.PositiveSmallIntegerField()
    clarity = models.PositiveSmallIntegerField()
    usefulness = models.PositiveSmallIntegerField()
    went_well = models.TextField("what worked well", blank=True)
    to_change = models.TextField("what would you change", blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    RATINGS = ("pace", "clarity", "usefulness")

    class Meta:
        ordering = ["session", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "officer"], name="one_feedback_per_officer_per_session"),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"feedback_{name}_1_to_5"
                )
                for name in ("pace", "clarity", "usefulness")
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.session}"
