from django.urls import path, re_path

from .views import data, docs

app_name = "api"

urlpatterns = [
    path("v1/schema/", docs.SchemaView.as_view(), name="schema"),
    path("v1/docs/", docs.docs, name="docs"),
    path("v1/cohorts/", data.CohortList.as_view(), name="cohorts"),
    path("v1/sessions/", data.TrainingSessionList.as_view(), name="sessions"),
    path("v1/organisations/", data.OrganisationList.as_view(), name="organisations"),
    path("v1/enrolments/", data.EnrolmentList.as_view(), name="enrolments"),
    path("v1/attendance/", data.AttendanceList.as_view(), name="attendance"),
    path("v1/projects/", data.ProjectList.as_view(), name="projects"),
    path("v1/milestones/", data.MilestoneList.as_view(), name="milestones"),
    path("v1/progress-logs/", data.ProgressLogList.as_view(), name="progress_logs"),
    path("v1/linkage-runs/", data.LinkageRunList.as_view(), name="linkage_runs"),
    path("v1/bookings/", data.BookingList.as_view(), name="bookings"),
    path("v1/cascade-sessions/", data.CascadeSessionList.as_view(), name="cascade_sessions"),
    path("v1/impact/", data.ImpactTotals.as_view(), name="impact"),
    path("v1/impact/organisations/", data.ImpactByOrganisation.as_view(), name="impact_organisations"),
    path("v1/impact/cohorts/", data.ImpactByCohort.as_view(), name="impact_cohorts"),
    re_path(r"^.*$", docs.NotFoundView.as_view(), name="not_found"),
]
