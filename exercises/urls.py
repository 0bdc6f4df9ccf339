from django.urls import path

from . import views

app_name = "exercises"

urlpatterns = [
    path("", views.exercise_list, name="exercise_list"),
    path("new/", views.exercise_create, name="exercise_create"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/status.json", views.submission_status, name="submission_status"),
    path("<slug:slug>/", views.exercise_detail, name="exercise_detail"),
    path("<slug:slug>/upload/", views.exercise_upload, name="exercise_upload"),
    path("<slug:slug>/files/<str:side>.csv", views.exercise_file, name="exercise_file"),
    path("<slug:slug>/publish/", views.exercise_publish, name="exercise_publish"),
    path("<slug:slug>/leaderboard/", views.exercise_leaderboard, name="exercise_leaderboard"),
]
