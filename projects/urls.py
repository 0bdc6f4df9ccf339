from django.urls import path

from . import ig_views, showcase_views, views

app_name = "projects"

urlpatterns = [
    path("", views.cohort_index, name="cohort_index"),
    path("mine/", views.my_project, name="my_project"),
    path("mentees/", views.mentee_projects, name="mentee_projects"),
    path("mentees/awaiting-comment/", views.logs_awaiting, name="logs_awaiting"),
    path("showcase/", showcase_views.showcase, name="showcase"),
    path("showcase/<int:pk>/", showcase_views.case_study_detail, name="case_study_detail"),
    path("cohort/<slug:slug>/", views.cohort_projects, name="cohort_projects"),
    path("cohort/<slug:slug>/progress.csv", views.cohort_projects_csv, name="cohort_projects_csv"),
    path("cohort/<slug:slug>/new/", views.project_create, name="project_create"),
    path("cohort/<slug:slug>/plan/", views.milestone_plan, name="milestone_plan"),
    path("cohort/<slug:slug>/plan/reschedule/", views.milestones_reschedule, name="milestones_reschedule"),
    path("cohort/<slug:slug>/plan/<int:template_pk>/", views.milestone_plan, name="milestone_plan_item"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/datasets/add/", views.dataset_edit, name="dataset_add"),
    path("<int:pk>/datasets/<int:dataset_pk>/", views.dataset_edit, name="dataset_edit"),
    path("<int:pk>/datasets/<int:dataset_pk>/remove/", views.dataset_remove, name="dataset_remove"),
    path("ig/waiting/", ig_views.ig_queue, name="ig_queue"),
    path("ig/confirm/<str:token>/", ig_views.ig_approver_decision, name="ig_approver_decision"),
    path("<int:pk>/ig/<slug:kind>/", ig_views.ig_check_edit, name="ig_check_edit"),
    path("<int:pk>/ig/<slug:kind>/review/", ig_views.ig_check_review, name="ig_check_review"),
    path("<int:pk>/milestones/<int:milestone_pk>/", views.milestone_detail, name="milestone_detail"),
    path("<int:pk>/logs/new/", views.log_create, name="log_create"),
    path("<int:pk>/logs/<int:log_pk>/", views.log_detail, name="log_detail"),
    path("<int:pk>/logs/<int:log_pk>/edit/", views.log_edit, name="log_edit"),
    path("<int:pk>/runs/add/", views.linkage_run_create, name="linkage_run_create"),
    path("<int:pk>/runs/<int:run_pk>/review/", views.linkage_run_review, name="linkage_run_review"),
    path("<int:pk>/case-study/", showcase_views.case_study_edit, name="case_study_edit"),
]
