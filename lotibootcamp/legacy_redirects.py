"""Permanent redirects from the addresses train the trainer had while it lived under /cohorts/.

Certificate verification links were emailed and printed on certificates, and people bookmark pages,
so every old address that a GET can reach answers 301 with its new place (the query string kept).
They are public: the redirect reveals nothing, and the new address applies its own sign-in and role
checks. The POST-only "verify a cascade session" button had no address worth keeping."""

from django.urls import path
from django.views.generic import RedirectView

from accounts.permissions import public


def moved_name(new_name: str) -> str:
    return "moved-" + new_name.replace(":", "-")


def moved(old: str, new_name: str):
    return path(
        f"cohorts/{old}",
        public(
            RedirectView.as_view(
                pattern_name=new_name, permanent=True, query_string=True, http_method_names=["get", "head"]
            )
        ),
        name=moved_name(new_name),
    )


# (old path under /cohorts/, new URL name): the test walks this list.
MOVED = [
    ("impact/", "trainers:impact_summary"),
    ("impact/organisations/", "trainers:impact_organisations"),
    ("impact/organisations.csv", "trainers:impact_export"),
    ("impact/cohorts/", "trainers:impact_cohorts"),
    ("impact/graduates/", "trainers:graduate_list"),
    ("impact/graduates/<int:pk>/", "trainers:graduate_detail"),
    ("impact/sessions/", "trainers:cascade_session_list"),
    ("impact/my-sessions/", "trainers:my_cascade_sessions"),
    ("impact/my-sessions/new/", "trainers:cascade_session_create"),
    ("impact/my-sessions/<int:pk>/", "trainers:cascade_session_edit"),
    ("impact/certificates/<int:pk>/", "trainers:certificate"),
    ("impact/verify/<str:token>/", "trainers:certificate_verify"),
    ("<slug:slug>/graduation/<int:pk>/", "trainers:graduation_record"),
]

urlpatterns = [moved(old, new_name) for old, new_name in MOVED]
