from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("<int:pk>/logs/<int:log_pk>/", views.log_detail, name="log_detail"),
]
