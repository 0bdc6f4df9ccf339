"""The API's one way in: `Authorization: Bearer lbc_…`, a personal access token. No session, so a page
can never be made to call the API with someone's cookies and CSRF does not arise."""

from django.utils import timezone
from rest_framework import authentication, exceptions

from accounts.twofactor import has_two_factor

from . import selectors, services
from .models import ApiToken

REFUSED = "The token is not valid, has expired or was revoked. Make a new one at /account/tokens/."


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Bearer lbc_…")
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(REFUSED) from None
        prefix = services.token_prefix(raw)
        token = selectors.token_by_prefix(prefix) if prefix else None
        if (
            token is None
            or not services.token_matches(token, raw)
            or token.revoked_at is not None
            or token.expires_at <= timezone.now()
            or not token.user.is_active
        ):
            raise exceptions.AuthenticationFailed(REFUSED)
        if token.scope == ApiToken.Scope.PROGRAMME and not (
            token.user.is_programme_staff and has_two_factor(token.user)
        ):
            raise exceptions.AuthenticationFailed(
                "A token that reads programme data needs programme staff with two-factor sign-in set up."
            )
        services.api_token_used(token=token)
        return services.acting_user(token), token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
