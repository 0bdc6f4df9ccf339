"""Query-string filters for each list, the same as the pages offer (projects: organisation, status,
overdue, as on a cohort's projects page) plus the obvious ones an analyst needs (cohort, project,
dates). Filters narrow what the selector returned; they never widen it."""

from datetime import UTC

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field

from accounts.models import Organisation
from cohorts.models import Attendance, Cohort, Enrolment, TrainingSession
from mentoring.models import Booking
from projects.models import LinkageRun, Milestone, ProgressLog, Project
from trainers.models import CascadeSession

INT_MAX = 2**31 - 1  # a PostgreSQL integer: a larger id or week cannot exist, and is refused, not a 500


class StrictBooleanField(forms.Field):
    """`true` or `false` and nothing else (django-filter's own would take "null" as no filter)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError("Enter true or false")


class UtcDateTimeField(forms.DateTimeField):
    """An ISO 8601 moment, turned into UTC here: PostgreSQL refuses offsets past ±15:59 and years
    outside 1 to 9999, and that must be a 400, not a 500."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            raise forms.ValidationError("Enter a date and time like 2026-10-06T10:00:00Z")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("Enter a date and time between the years 1 and 9999") from None


@extend_schema_field({"type": "string", "format": "date-time"})
class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


@extend_schema_field({"type": "boolean"})
class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": INT_MAX})
class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", INT_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"})
class SlugFilter(filters.CharFilter):
    field_class = forms.SlugField


class CohortFilter(filters.FilterSet):
    class Meta:
        model = Cohort
        fields = ["status"]


class TrainingSessionFilter(filters.FilterSet):
    week_number = IntegerFilter()
    is_cancelled = BooleanFilter()
    cohort = SlugFilter(field_name="cohort__slug", help_text="Cohort slug")
    starts_after = DateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = DateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = TrainingSession
        fields = ["cohort", "week_number", "is_cancelled"]


class OrganisationFilter(filters.FilterSet):
    class Meta:
        model = Organisation
        fields = ["kind"]


class EnrolmentFilter(filters.FilterSet):
    cohort = SlugFilter(field_name="cohort__slug", help_text="Cohort slug")
    organisation = SlugFilter(field_name="organisation__slug", help_text="Organisation slug")

    class Meta:
        model = Enrolment
        fields = ["cohort", "organisation", "status"]


class AttendanceFilter(filters.FilterSet):
    session = IntegerFilter(field_name="session_id", help_text="Training session id")
    cohort = SlugFilter(field_name="session__cohort__slug", help_text="Cohort slug")

    class Meta:
        model = Attendance
        fields = ["cohort", "session", "mark"]


def PROJECT() -> IntegerFilter:
    # A number, not a choice of projects: an id the person may not see gives an empty page, never
    # "not a valid choice", so the API does not tell which ids exist.
    return IntegerFilter(field_name="project_id", help_text="Project id")


STATUS_CHOICES = [*ProgressLog.RAG.choices, ("none", "No logs yet")]


class ProjectFilter(filters.FilterSet):
    """As the cohort projects page: an officer's organisation, current status, any milestone overdue."""

    cohort = SlugFilter(field_name="cohort__slug", help_text="Cohort slug")
    organisation = SlugFilter(method="filter_organisation", help_text="Slug of an officer's organisation")
    status = filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status", help_text="Latest log's status")
    overdue = BooleanFilter(field_name="has_overdue")

    class Meta:
        model = Project
        fields = ["cohort", "organisation", "status", "overdue"]

    def filter_organisation(self, queryset, name, value):
        through = Project.officers.through.objects.filter(user__organisation__slug=value)
        return queryset.filter(pk__in=through.values("project_id"))

    def filter_status(self, queryset, name, value):
        if value == "none":
            return queryset.filter(latest_status__isnull=True)
        return queryset.filter(latest_status=value)


class MilestoneFilter(filters.FilterSet):
    project = PROJECT()
    overdue = BooleanFilter(method="filter_overdue", help_text="Still owed past its due date")

    class Meta:
        model = Milestone
        fields = ["project", "state", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state__in=Milestone.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ProgressLogFilter(filters.FilterSet):
    week_number = IntegerFilter()
    project = PROJECT()
    mine = BooleanFilter(method="filter_mine", help_text="Only the logs you wrote")

    class Meta:
        model = ProgressLog
        fields = ["project", "week_number", "rag_status", "mine"]

    def filter_mine(self, queryset, name, value):
        user = self.request.user
        return queryset.filter(officer=user) if value else queryset.exclude(officer=user)


class LinkageRunFilter(filters.FilterSet):
    project = PROJECT()
    run_after = filters.DateFilter(field_name="run_on", lookup_expr="gte")
    run_before = filters.DateFilter(field_name="run_on", lookup_expr="lte")

    class Meta:
        model = LinkageRun
        fields = ["project", "run_after", "run_before"]


class BookingFilter(filters.FilterSet):
    starts_after = DateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = DateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Booking
        fields = ["status", "starts_after", "starts_before"]


class CascadeSessionFilter(filters.FilterSet):
    organisation = SlugFilter(field_name="organisation__slug", help_text="Organisation slug")
    verified = BooleanFilter(field_name="verified_at", lookup_expr="isnull", exclude=True)
    delivered_after = filters.DateFilter(field_name="delivered_on", lookup_expr="gte")
    delivered_before = filters.DateFilter(field_name="delivered_on", lookup_expr="lte")

    class Meta:
        model = CascadeSession
        fields = ["organisation", "verified", "format", "delivered_after", "delivered_before"]
