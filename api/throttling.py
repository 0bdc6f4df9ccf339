from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """API_RATE_LIMIT requests per token (read at every request, so a test or an operator can change it),
    counted in the Django cache: Redis when REDIS_URL is set, so every web process shares one count."""

    scope = "api"

    def get_rate(self) -> str:
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.prefix}"  # random, so no two tokens ever share a count
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"  # the schema, read in the browser
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
