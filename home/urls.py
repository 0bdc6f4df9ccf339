from django.urls import path

from . import privacy_views

app_name = "privacy"

urlpatterns = [
    path("account/your-data/", privacy_views.your_data, name="your_data"),
    path("accounts/people/<int:pk>/data/", privacy_views.person_data_export, name="person_data_export"),
    path("accounts/people/<int:pk>/erase/", privacy_views.person_erase, name="person_erase"),
]
