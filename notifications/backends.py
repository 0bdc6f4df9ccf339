"""GOV.UK Notify as a Django email backend, through Notify's official client
(`notifications-python-client`, pinned in requirements/base.txt).

Notify sends from its own templates, so the service's Notify template has two placeholders,
((subject)) and ((body)), and this backend fills them with the message's subject and plain text.
Notify does not take arbitrary attachments by email, so `.ics` files are left off (the email's text
carries the same date, time and place).

Notify's errors decide what the outbox does: a refusal that will not change on retry (400: a bad
address, a team-only key, a missing template; 403: a bad key) raises Undeliverable and the row is
failed at once for staff; anything else (429 rate limit, 5xx, a timeout or no connection, which the
client reports as 503) raises NotifyError and the outbox retries with its backoff.
"""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import APIError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient

logger = logging.getLogger(__name__)

# Notify's answers that no retry can change.
PERMANENT_STATUS_CODES = frozenset({400, 403, 404})


class Undeliverable(Exception):
    """The email service refused this message for good: the outbox fails it without retrying.
    Any backend may raise it."""


class NotifyError(Exception):
    """Notify could not take the message now (rate limit, outage, network); the outbox retries."""


def notify_error(exc: APIError) -> Exception:
    """Maps one of the client's errors to what the outbox does with it."""
    text = f"Notify answered {exc.status_code}: {exc.message}"
    if exc.status_code in PERMANENT_STATUS_CODES:
        return Undeliverable(text)
    return NotifyError(text)


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        if len(settings.NOTIFY_API_KEY) < 74:
            raise ImproperlyConfigured("NOTIFY_API_KEY is not a GOV.UK Notify API key.")
        self.template_id = settings.NOTIFY_EMAIL_TEMPLATE_ID
        if not self.template_id:
            raise ImproperlyConfigured("NOTIFY_EMAIL_TEMPLATE_ID is needed for the Notify backend.")
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=settings.EMAIL_TIMEOUT
        )

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            for address in message.recipients():
                try:
                    self._send(message, address)
                except (NotifyError, Undeliverable):
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        return sent

    def _send(self, message, address: str) -> None:
        unsubscribe = message.extra_headers.get("List-Unsubscribe", "").strip("<>") or None
        try:
            self.client.send_email_notification(
                email_address=address,
                template_id=self.template_id,
                personalisation={"subject": message.subject, "body": message.body},
                reference=message.extra_headers.get("X-Outbox-Reference"),
                one_click_unsubscribe_url=unsubscribe,
            )
        except InvalidResponse:
            # A 2xx answer whose body was not JSON: Notify took the message, so it is not sent again.
            logger.warning("Notify accepted a message for %s with an unreadable answer", address)
        except APIError as exc:
            raise notify_error(exc) from exc
