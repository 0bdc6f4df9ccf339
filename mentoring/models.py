import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from common.formatting import format_time


class Expertise(models.TextChoices):
    PYTHON = "python", "Python"
    R = "r", "R"
    SQL = "sql", "SQL"
    PANDAS = "pandas", "pandas"
    DATA_CLEANING = "data_cleaning", "Data cleaning"
    FUZZY_MATCHING = "fuzzy_matching", "Fuzzy matching"
    PROBABILISTIC_LINKAGE = "probabilistic_linkage", "Probabilistic linkage"
    SPLINK = "splink", "Splink"
    VISUALISATION = "visualisation", "Visualisation"
    GIT = "git", "Git and version control"
    STATISTICS = "statistics", "Statistics"
    INFORMATION_GOVERNANCE = "information_governance", "Information governance"


class MentorProfile(models.Model):
    class SessionLength(models.IntegerChoices):
        MINUTES_30 = 30, "30 minutes"
        MINUTES_45 = 45, "45 minutes"
        MINUTES_60 = 60, "60 minutes"

    mentor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile")
    # A list of Expertise values; a JSON list keeps SQLite and PostgreSQL alike and filters with icontains.
    expertise = models.JSONField(default=list, blank=True)
    bio = models.TextField(blank=True)
    session_minutes = models.PositiveSmallIntegerField(choices=SessionLength.choices, default=SessionLength.MINUTES_45)
    buffer_minutes = models.PositiveSmallIntegerField(default=15, validators=[MaxValueValidator(120)])
    min_notice_hours = models.PositiveSmallIntegerField(default=12, validators=[MaxValueValidator(24 * 14)])
    max_sessions_per_day = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    # How many projects of one cohort the mentor can lead; suggested allocations never exceed it.
    capacity = models.PositiveSmallIntegerField(
        "projects they can lead in a cohort", default=4, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )

    class Meta:
        ordering = ["mentor__full_name"]

    def __str__(self) -> str:
        return f"Mentor profile of {self.mentor}"

    @property
    def session_length(self) -> timedelta:
        return timedelta(minutes=self.session_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)

    @property
    def min_notice(self) -> timedelta:
        return timedelta(hours=self.min_notice_hours)

    @property
    def expertise_labels(self) -> list[str]:
        labels = dict(Expertise.choices)
        return [labels[code] for code in self.expertise if code in labels]


class AvailabilityWindow(models.Model):
    """Time a mentor offers. Times are London wall-clock times, expanded per date, so a 09:00 window
    stays 09:00 local on both sides of a clock change."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        ONE_OFF = "one_off", "One date"

    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_windows")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(6)])
    on_date = models.DateField(null=True, blank=True)
    starts_time = models.TimeField()
    ends_time = models.TimeField()

    class Meta:
        ordering = ["kind", "weekday", "on_date", "starts_time"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_time__gt=models.F("starts_time")), name="window_ends_after_start"),
            models.CheckConstraint(
                condition=(Q(kind="weekly", weekday__isnull=False, on_date__isnull=True))
                | (Q(kind="one_off", weekday__isnull=True, on_date__isnull=False)),
                name="window_weekly_has_weekday_one_off_has_date",
            ),
        ]

    def __str__(self) -> str:
        when = self.on_date.isoformat() if self.on_date else WEEKDAYS[self.weekday]
        return f"{when} {format_time(self.starts_time)} to {format_time(self.ends_time)}"

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.weekday] if self.weekday is not None else ""


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class AvailabilityException(models.Model):
    """Leave: whole London days on which a mentor's windows do not apply."""

    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leave")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="leave_ends_on_or_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.mentor} away {self.starts_on} to {self.ends_on}"


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self) -> "BookingQuerySet":
        return self.filter(status__in=Booking.ACTIVE_STATUSES)

    def overlapping(self, starts_at, ends_at) -> "BookingQuerySet":
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Booking(models.Model):
    """One mentoring session. Its pk and uid never change: a reschedule moves it and raises `sequence`.

    The PostgreSQL exclusion constraints that forbid overlaps (per mentor and per officer among active
    bookings) live in migration 0002 only, not in Meta: SQLite cannot build them and full_clean must
    not try to validate them there. See mentoring/constraints.py."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the officer"
        CONFIRMED = "confirmed", "Confirmed"
        MOVE_REQUESTED = "move_requested", "Officer asked to move"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "Officer did not attend"

    ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.MOVE_REQUESTED)

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_bookings")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer_bookings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED, db_index=True)
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    action_points = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    feedback = models.TextField(blank=True)
    move_reason = models.CharField(max_length=300, blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="Calendar SEQUENCE, raised on every change")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late_cancellation = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="booking_rating_1_to_5"
            ),
        ]
        # An officer's latest session (a mentor's mentees list) is one index step, whatever their history.
        indexes = [models.Index(fields=["officer", "starts_at"], name="booking_officer_starts")]

    def __str__(self) -> str:
        return f"{self.officer} with {self.mentor} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class MentorAllocation(models.Model):
    """An officer's lead mentor, assigned by programme staff."""

    officer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lead_mentor")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentees")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["officer__full_name"]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.officer}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private calendar subscription URL. The token is the only credential: resetting it replaces it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
