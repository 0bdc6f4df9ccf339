from django.contrib import admin
from django.urls import include, path

from api.views import tokens as api_tokens
from home import views as home_views

from . import legacy_redirects, views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("attention/", home_views.attention, name="attention"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("", include("home.urls")),  # your data, and staff's subject access and erasure of a person
    path("accounts/", include("accounts.urls")),
    *legacy_redirects.urlpatterns,  # before cohorts/: its <slug>/ would catch the old paths
    path("cohorts/", include("cohorts.urls")),
    path("trainers/", include("trainers.urls")),
    path("projects/", include("projects.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("exercises/", include("exercises.urls")),
    path("notifications/", include("notifications.urls")),
    path("account/tokens/", api_tokens.token_list, name="api_tokens"),
    path("account/tokens/<int:pk>/revoke/", api_tokens.token_revoke, name="api_token_revoke"),
    path("api/", include("api.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "lotibootcamp.views.error_400"
handler403 = "lotibootcamp.views.error_403"
handler404 = "lotibootcamp.views.error_404"
handler500 = "lotibootcamp.views.error_500"
