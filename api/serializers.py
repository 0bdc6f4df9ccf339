"""What each API row holds. Flat, with ids and names, built only from what the selectors load
(select_related / prefetch_related / annotations), so a page costs the same queries at any size."""

from rest_framework import serializers

from accounts.models import Organisation, User
from cohorts.models import Attendance, Cohort, Enrolment, TrainingSession
from mentoring.models import Booking
from projects.models import LinkageRun, Milestone, ProgressLog, Project
from trainers.models import CascadeSession


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="full_name")

    class Meta:
        model = User
        fields = ["id", "name"]


class CohortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["id", "slug", "name", "status", "start_date", "weeks", "training_weekday", "capacity"]


class TrainingSessionSerializer(serializers.ModelSerializer):
    cohort = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = TrainingSession
        fields = ["id", "cohort", "week_number", "starts_at", "ends_at", "topic", "location", "is_cancelled"]


class OrganisationSerializer(serializers.ModelSerializer):
    officer_count = serializers.IntegerField(read_only=True)
    enrolment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "slug", "name", "gss_code", "kind", "officer_count", "enrolment_count"]


class EnrolmentSerializer(serializers.ModelSerializer):
    cohort = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    officer = PersonSerializer(read_only=True)
    stream = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "cohort",
            "officer",
            "organisation",
            "stream",
            "status",
            "job_title",
            "manager_decision",
            "waitlist_position",
            "created_at",
        ]


class AttendanceSerializer(serializers.ModelSerializer):
    cohort = serializers.CharField(source="session.cohort.slug", read_only=True)
    session_starts_at = serializers.DateTimeField(source="session.starts_at", read_only=True)
    week_number = serializers.IntegerField(source="session.week_number", read_only=True)
    officer = PersonSerializer(source="enrolment.officer", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "cohort", "session", "session_starts_at", "week_number", "enrolment", "officer", "mark"]


class ProjectSerializer(serializers.ModelSerializer):
    cohort = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lead_mentor = PersonSerializer(read_only=True, allow_null=True)
    officers = PersonSerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField(help_text="The latest progress log's status; empty with no logs")
    milestones_done = serializers.IntegerField(read_only=True)
    milestones_total = serializers.IntegerField(read_only=True)
    has_overdue = serializers.BooleanField(read_only=True, help_text="Any milestone still owed past its due date")
    open_blocker_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "cohort",
            "lead_mentor",
            "officers",
            "matching_approach",
            "tools",
            "status",
            "milestones_done",
            "milestones_total",
            "has_overdue",
            "open_blocker_count",
            "created_at",
        ]

    def get_status(self, project) -> str:
        return project.latest_status or ""


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "project", "title", "order", "due_week", "due_on", "needs_ig_approval", "state", "done_at"]


class ProgressLogSerializer(serializers.ModelSerializer):
    officer = PersonSerializer(read_only=True)

    class Meta:
        model = ProgressLog
        fields = [
            "id",
            "project",
            "officer",
            "week_number",
            "rag_status",
            "hours",
            "what_i_did",
            "whats_next",
            "blockers",
            "created_at",
            "updated_at",
        ]


class EstimateSerializer(serializers.Serializer):
    """A share worked out from counts (projects/quality.py) with its 95% Wilson score interval."""

    value = serializers.FloatField()
    lower = serializers.FloatField()
    upper = serializers.FloatField()


class LinkageRunSerializer(serializers.ModelSerializer):
    """Precision, recall and F1 are computed from the counts, null where a figure has no basis (not measured).
    A self-reported run's typed figures are in reported_precision / reported_recall, never in the measures."""

    precision = EstimateSerializer(read_only=True, allow_null=True)
    recall = EstimateSerializer(read_only=True, allow_null=True)
    f1 = EstimateSerializer(read_only=True, allow_null=True)

    class Meta:
        model = LinkageRun
        fields = [
            "id",
            "project",
            "run_on",
            "records_left",
            "records_right",
            "candidate_pairs",
            "matches_accepted",
            "sample_size",
            "sample_true_matches",
            "truth_set_size",
            "truth_set_found",
            "quality",
            "reviewed_at",
            "precision",
            "recall",
            "f1",
            "reported_precision",
            "reported_recall",
            "note",
        ]


class BookingSerializer(serializers.ModelSerializer):
    mentor = PersonSerializer(read_only=True)
    officer = PersonSerializer(read_only=True)

    class Meta:
        model = Booking
        fields = ["id", "mentor", "officer", "starts_at", "ends_at", "status", "agenda"]


class CascadeSessionSerializer(serializers.ModelSerializer):
    graduate = PersonSerializer(read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    verified = serializers.SerializerMethodField()

    class Meta:
        model = CascadeSession
        fields = [
            "id",
            "graduate",
            "organisation",
            "delivered_on",
            "topic",
            "format",
            "length_minutes",
            "colleagues_reached",
            "verified",
        ]

    def get_verified(self, session) -> bool:
        return session.verified_at is not None


class FiguresSerializer(serializers.Serializer):
    """trainers.impact.Figures: docs/impact.md defines each figure."""

    officers_trained = serializers.IntegerField()
    in_training = serializers.IntegerField()
    graduates = serializers.IntegerField()
    projects_completed = serializers.IntegerField()
    case_studies = serializers.IntegerField()
    cascade_sessions = serializers.IntegerField()
    colleagues_reached = serializers.IntegerField()
    mentor_hours = serializers.FloatField()
    cascade_sessions_waiting = serializers.IntegerField()
    colleagues_reached_waiting = serializers.IntegerField()


class ImpactTotalsSerializer(serializers.Serializer):
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    figures = FiguresSerializer()


class OrganisationImpactSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.slug")
    name = serializers.CharField(source="organisation.name")
    gss_code = serializers.CharField(source="organisation.gss_code", allow_null=True)
    figures = FiguresSerializer()


class CohortImpactSerializer(serializers.Serializer):
    cohort = serializers.CharField(source="cohort.slug")
    name = serializers.CharField(source="cohort.name")
    figures = FiguresSerializer()


class PeriodSerializer(serializers.Serializer):
    """The impact pages' period, both ends optional and inclusive."""

    starts_on = serializers.DateField(required=False, help_text="First day, YYYY-MM-DD")
    ends_on = serializers.DateField(required=False, help_text="Last day, YYYY-MM-DD")

    def validate(self, attrs):
        if attrs.get("starts_on") and attrs.get("ends_on") and attrs["ends_on"] < attrs["starts_on"]:
            raise serializers.ValidationError({"ends_on": ["The end date must be the same as or after the start date"]})
        return attrs
