"""The read-only endpoints. Each calls its app's selector with the person the token belongs to (as
their scope allows, api.services.acting_user), then filters and paginates. No view decides on its own
who may see a row."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.models import Organisation, User
from accounts.permissions import Role, has_role
from cohorts import selectors as cohort_selectors
from cohorts.models import Attendance, Cohort, Enrolment, TrainingSession
from mentoring import selectors as mentoring_selectors
from mentoring.models import Booking
from projects import selectors as project_selectors
from projects.models import LinkageRun, Milestone, ProgressLog, Project
from trainers import impact
from trainers import selectors as trainer_selectors
from trainers.models import CascadeSession

from .. import filters, serializers
from ..usage import record_request


class ProgrammeStaff(BasePermission):
    message = "Only programme staff with a programme-data token can read this."

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, Role.STAFF)


class ApiMixin:
    """Every API request, answered or refused, goes into the audit log: who, which endpoint, how many
    rows. A query parameter given twice or left empty is refused (400) rather than quietly ignored, so
    a typo in a script shows at once."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        errors = {}
        for name, values in request.query_params.lists():
            if len(values) > 1:
                errors[name] = [f"Give {name} once"]
            elif values[0] == "":
                errors[name] = [f"Give {name} a value, or leave it out"]
        if errors:
            raise ValidationError(errors)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record_request(request, response)
        return response


@method_decorator(login_not_required, name="dispatch")
class ApiListView(ApiMixin, generics.ListAPIView):
    pass


class CohortList(ApiListView):
    """Cohorts the person may see: staff every cohort, mentors every cohort past draft, officers their own."""

    queryset = Cohort.objects.none()  # the model, for the schema; get_queryset asks the selector
    serializer_class = serializers.CohortSerializer
    filterset_class = filters.CohortFilter

    def get_queryset(self):
        return cohort_selectors.cohorts_visible_to(self.request.user).order_by("-start_date", "pk")


class TrainingSessionList(ApiListView):
    """The training sessions of the cohorts the person may see."""

    queryset = TrainingSession.objects.none()  # the model, for the schema; get_queryset asks the selector
    serializer_class = serializers.TrainingSessionSerializer
    filterset_class = filters.TrainingSessionFilter

    def get_queryset(self):
        return cohort_selectors.training_sessions_visible_to(self.request.user)


class OrganisationList(ApiListView):
    """Every organisation with its officer and application counts (programme staff)."""

    queryset = Organisation.objects.none()  # the model, for the schema; get_queryset asks the selector
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    permission_classes = [ProgrammeStaff]

    def get_queryset(self):
        return cohort_selectors.organisation_list().order_by("kind", "name", "pk")


class EnrolmentList(ApiListView):
    """Applications and places on every cohort (programme staff)."""

    queryset = Enrolment.objects.none()  # the model, for the schema; get_queryset asks the selector
    serializer_class = serializers.EnrolmentSerializer
    filterset_class = filters.EnrolmentFilter
    permission_classes = [ProgrammeStaff]

    def get_queryset(self):
        return cohort_selectors.enrolments_visible_to(self.request.user)


class AttendanceList(ApiListView):
    """Register marks: staff every mark, an officer their own."""

    queryset = Attendance.objects.none()  # the model, for the schema; get_queryset asks the selector
    serializer_class = serializers.AttendanceSerializer
    filterset_class = filters.AttendanceFilter

    def get_queryset(self):
        return cohort_selectors.attendance_visible_to(self.request.user)


class ProjectList(ApiListView):
    """Projects as the pages scope them: staff all, a mentor the projects they lead, an officer theirs."""

    queryset = Project.objects.none()  # the model, for the schema; get_queryset asks the selector
    serializer_class = serializers.ProjectSerializer
    filterset_class = filters.ProjectFilter

    def get_queryset(self):
        visible = project_selectors.projects_visible_to(self.request.user)
        return (
            project_selectors.with_figures(visible, today=timezone.localdate())
            .prefetch_related(Prefetch("officers", queryset=User.objects.order_by("full_name", "pk")))
            .order_by("-cohort__start_date", "title", "pk")
        )


class MilestoneList(ApiListView):
    queryset = Milestone.objects.none()  # the model, for the schema; get_queryset asks the selector
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filters.MilestoneFilter

    def get_queryset(self):
        return project_selectors.milestones_visible_to(self.request.user)


class ProgressLogList(ApiListView):
    """Progress logs of the projects the person may see (as a project's page shows them)."""

    queryset = ProgressLog.objects.none()  # the model, for the schema; get_queryset asks the selector
    serializer_class = serializers.ProgressLogSerializer
    filterset_class = filters.ProgressLogFilter

    def get_queryset(self):
        return project_selectors.progress_logs_visible_to(self.request.user)


class LinkageRunList(ApiListView):
    queryset = LinkageRun.objects.none()  # the model, for the schema; get_queryset asks the selector
    serializer_class = serializers.LinkageRunSerializer
    filterset_class = filters.LinkageRunFilter

    def get_queryset(self):
        return project_selectors.linkage_runs_visible_to(self.request.user)


class BookingList(ApiListView):
    """The person's own mentoring sessions, as officer or mentor."""

    queryset = Booking.objects.none()  # the model, for the schema; get_queryset asks the selector
    serializer_class = serializers.BookingSerializer
    filterset_class = filters.BookingFilter

    def get_queryset(self):
        return mentoring_selectors.own_bookings(self.request.user)


class CascadeSessionList(ApiListView):
    """Sessions graduates taught colleagues: staff every session, a graduate their own."""

    queryset = CascadeSession.objects.none()  # the model, for the schema; get_queryset asks the selector
    serializer_class = serializers.CascadeSessionSerializer
    filterset_class = filters.CascadeSessionFilter

    def get_queryset(self):
        return trainer_selectors.cascade_sessions_visible_to(self.request.user)


def _period(request) -> impact.Period:
    period = serializers.PeriodSerializer(data=request.query_params)
    period.is_valid(raise_exception=True)
    return impact.Period(period.validated_data.get("starts_on"), period.validated_data.get("ends_on"))


@method_decorator(login_not_required, name="dispatch")
class ImpactTotals(ApiMixin, generics.GenericAPIView):
    """The programme's impact figures in all (everyone signed in sees these on the impact page)."""

    serializer_class = serializers.ImpactTotalsSerializer
    pagination_class = None

    @extend_schema(parameters=[serializers.PeriodSerializer])
    def get(self, request):
        period = _period(request)
        report = impact.ImpactReport(period)
        data = {"starts_on": period.starts_on, "ends_on": period.ends_on, "figures": report.totals.as_dict()}
        return Response(self.get_serializer(data).data)


@extend_schema_view(get=extend_schema(parameters=[serializers.PeriodSerializer]))
class ImpactList(ApiListView):
    """The same ImpactReport the impact pages use, one row per organisation or cohort, paginated."""

    permission_classes = [ProgrammeStaff]
    filter_backends = []

    def rows(self, report: impact.ImpactReport) -> list:
        raise NotImplementedError

    def get_queryset(self):
        return self.rows(impact.ImpactReport(_period(self.request)))


class ImpactByOrganisation(ImpactList):
    """Impact figures per organisation, partners included, as the staff impact page (programme staff)."""

    serializer_class = serializers.OrganisationImpactSerializer

    def rows(self, report):
        return report.organisation_rows()


class ImpactByCohort(ImpactList):
    """Impact figures per cohort (programme staff)."""

    serializer_class = serializers.CohortImpactSerializer

    def rows(self, report):
        return report.cohorts
