from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.message_detail, name="message_detail"),
    path("outbox/<int:pk>/resend/", views.message_resend, name="message_resend"),
    path("digests/preview/", views.digest_preview, name="digest_preview"),
]
