from django.urls import path

from . import allocation_views, learning_views, views

app_name = "trainers"

urlpatterns = [
    path("impact/", views.impact_summary, name="impact_summary"),
    path("impact/organisations/", views.impact_organisations, name="impact_organisations"),
    path("impact/organisations.csv", views.impact_export, name="impact_export"),
    path("impact/cohorts/", views.impact_cohorts, name="impact_cohorts"),
    path("impact/skills/", learning_views.impact_skills, name="impact_skills"),
    path("impact/feedback/", learning_views.feedback_overview, name="feedback_overview"),
    path("impact/feedback/sessions/<int:pk>/", learning_views.feedback_session, name="feedback_session"),
    path("impact/feedback/<slug:slug>/", learning_views.feedback_cohort, name="feedback_cohort"),
    path("skills/<int:pk>/<str:stage>/", learning_views.self_assessment, name="self_assessment"),
    path("cohorts/<slug:slug>/allocations/suggest/", allocation_views.allocations_suggest, name="allocations_suggest"),
    path("cohorts/<slug:slug>/allocations/confirm/", allocation_views.allocations_confirm, name="allocations_confirm"),
    path("cohorts/<slug:slug>/skills/", learning_views.skill_statements_edit, name="skill_statements_edit"),
    path("graduates/", views.graduate_list, name="graduate_list"),
    path("graduates/<int:pk>/", views.graduate_detail, name="graduate_detail"),
    path("sessions/", views.cascade_session_list, name="cascade_session_list"),
    path("sessions/<int:pk>/verify/", views.cascade_session_verify, name="cascade_session_verify"),
    path("my-sessions/", views.my_cascade_sessions, name="my_cascade_sessions"),
    path("my-sessions/new/", views.cascade_session_create, name="cascade_session_create"),
    path("my-sessions/<int:pk>/", views.cascade_session_edit, name="cascade_session_edit"),
    path("certificates/<int:pk>/", views.certificate, name="certificate"),
    path("verify/<str:token>/", views.certificate_verify, name="certificate_verify"),
    path("cohorts/<slug:slug>/graduation/<int:pk>/", views.graduation_record, name="graduation_record"),
]
