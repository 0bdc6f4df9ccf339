from django.db.models import QuerySet

from accounts.models import User

from .models import ApiToken


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first; nobody sees anyone else's."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_by_prefix(prefix: str) -> ApiToken | None:
    return ApiToken.objects.select_related("user").filter(prefix=prefix).first()
