from django.urls import path

from . import announcement_views, decision_views, feedback_views, register_views, views

app_name = "cohorts"

urlpatterns = [
    path("", views.cohort_list, name="cohort_list"),
    path("new/", views.cohort_create, name="cohort_create"),
    path("open/", views.cohorts_open, name="cohorts_open"),
    path("schedule.ics", views.schedule_ics, name="schedule_ics"),
    path("attendance/", views.my_attendance, name="my_attendance"),
    path("feedback/", feedback_views.my_feedback, name="my_feedback"),
    path("feedback/<int:pk>/", feedback_views.session_feedback, name="session_feedback"),
    path("curricula/", views.curriculum_list, name="curriculum_list"),
    path("curricula/<int:pk>/", views.curriculum_edit, name="curriculum_edit"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("announcements/", announcement_views.announcement_list, name="announcement_list"),
    path("announcements/new/", announcement_views.announcement_create, name="announcement_create"),
    path("announcements/<int:pk>/dismiss/", announcement_views.announcement_dismiss, name="announcement_dismiss"),
    path("applications/<int:pk>/decide/<str:decision>/", decision_views.application_decide, name="application_decide"),
    path("applications/<int:pk>/<str:action>/", views.application_action, name="application_action"),
    path("manager/<str:token>/", views.manager_decision, name="manager_decision"),
    path("<slug:slug>/", views.cohort_detail, name="cohort_detail"),
    path("<slug:slug>/edit/", views.cohort_edit, name="cohort_edit"),
    path("<slug:slug>/apply/", views.application_create, name="application_create"),
    path("<slug:slug>/applications/", views.application_list, name="application_list"),
    path("<slug:slug>/applications/decide/", decision_views.applications_decide, name="applications_decide"),
    path("<slug:slug>/sessions/<int:pk>/", views.session_edit, name="session_edit"),
    path("<slug:slug>/sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("<slug:slug>/sessions/<int:pk>/register/", register_views.register, name="register"),
    path("<slug:slug>/roster/import/", views.roster_import, name="roster_import"),
    path("<slug:slug>/roster.csv", views.roster_export, name="roster_export"),
    path("<slug:slug>/attendance.csv", views.attendance_export, name="attendance_export"),
]
