from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .pagination import ProblemSerializer
from .problems import PROBLEM_JSON

ERROR_CODES = {
    "400": "A query parameter is not valid",
    "401": "No token, or a token that is not valid, has expired or was revoked",
    "403": "The token's person or scope may not read this",
    "404": "No such page of results",
    "429": "Too many requests with this token",
}


class ApiAutoSchema(AutoSchema):
    """Every operation documents its problem+json errors, so clients (and schemathesis) know them."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_CODES.items():
            if code not in responses:
                body = self._get_response_for_code(ProblemSerializer, code, [PROBLEM_JSON], direction)
                body["description"] = description
                responses[code] = body
        return responses


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "lbc_<prefix>_<secret>",
            "description": "A personal access token from /account/tokens/ or `manage.py create_api_token`.",
        }
