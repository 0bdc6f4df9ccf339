from django.db.models import QuerySet

from .models import User, UserSession


def people_list(*, role: str = "", organisation_slug: str = "") -> QuerySet[User]:
    """Everyone, for programme staff: the only role that may list people."""
    qs = User.objects.select_related("organisation").order_by("full_name", "email")
    if role == "programme_staff":
        qs = qs.filter(is_programme_staff=True)
    elif role == "mentor":
        qs = qs.filter(is_mentor=True)
    elif role == "officer":
        qs = qs.filter(is_officer=True)
    if organisation_slug:
        qs = qs.filter(organisation__slug=organisation_slug)
    return qs


def sessions_of(user: User) -> QuerySet[UserSession]:
    """The person's signed-in sessions, most recently used first."""
    return UserSession.objects.filter(user=user).order_by("-last_seen_at")
