"""Links to this site from outside a request: emails, calendar files, certificates."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` on this service's public address (SITE_URL), for links that leave the browser."""
    return f"{settings.SITE_URL}{path}"
