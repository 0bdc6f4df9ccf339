from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("", views.cohort_list, name="cohort_list"),
    path("new/", views.cohort_create, name="cohort_create"),
    path("open/", views.cohorts_open, name="cohorts_open"),
    path("schedule.ics", views.schedule_ics, name="schedule_ics"),
    path("attendance/", views.my_attendance, name="my_attendance"),
    path("curricula/", views.curriculum_list, name="curriculum_list"),
    path("curricula/<int:pk>/", views.curriculum_edit, name="curriculum_edit"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/<str:action>/", views.application_action, name="application_action"),
    path("manager/<str:token>/", views.manager_decision, name="manager_decision"),
    path("impact/", views.impact_summary, name="impact_summary"),
    path("impact/organisations/", views.impact_organisations, name="impact_organisations"),
    path("impact/organisations.csv", views.impact_export, name="impact_export"),
    path("impact/cohorts/", views.impact_cohorts, name="impact_cohorts"),
    path("impact/graduates/", views.graduate_list, name="graduate_list"),
    path("impact/graduates/<int:pk>/", views.graduate_detail, name="graduate_detail"),
    path("impact/sessions/", views.cascade_session_list, name="cascade_session_list"),
    path("impact/sessions/<int:pk>/verify/", views.cascade_session_verify, name="cascade_session_verify"),
    path("impact/my-sessions/", views.my_cascade_sessions, name="my_cascade_sessions"),
    path("impact/my-sessions/new/", views.cascade_session_create, name="cascade_session_create"),
    path("impact/my-sessions/<int:pk>/", views.cascade_session_edit, name="cascade_session_edit"),
    path("impact/certificates/<int:pk>/", views.certificate, name="certificate"),
    path("impact/verify/<str:token>/", views.certificate_verify, name="certificate_verify"),
    path("<slug:slug>/", views.cohort_detail, name="cohort_detail"),
    path("<slug:slug>/edit/", views.cohort_edit, name="cohort_edit"),
    path("<slug:slug>/apply/", views.application_create, name="application_create"),
    path("<slug:slug>/applications/", views.application_list, name="application_list"),
    path("<slug:slug>/sessions/<int:pk>/", views.session_edit, name="session_edit"),
    path("<slug:slug>/sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("<slug:slug>/sessions/<int:pk>/register/", views.register, name="register"),
    path("<slug:slug>/graduation/<int:pk>/", views.graduation_record, name="graduation_record"),
    path("<slug:slug>/roster/import/", views.roster_import, name="roster_import"),
    path("<slug:slug>/roster.csv", views.roster_export, name="roster_export"),
    path("<slug:slug>/attendance.csv", views.attendance_export, name="attendance_export"),
]
