"""GOV.UK Notify as a Django email backend, over the standard library (no extra dependencies).

Notify sends from its own templates, so the service's Notify template has two placeholders,
((subject)) and ((body)), and this backend fills them with the message's subject and plain text.
Notify does not take arbitrary attachments by email, so `.ics` files are left off (the email's text
carries the same date, time and place). Authentication is Notify's JWT: HS256 over
{"iss": service id, "iat": now} with the key's secret.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class NotifyError(Exception):
    """Notify refused or could not be reached; the outbox retries."""


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def notify_token(*, service_id: str, secret: str, issued_at: int | None = None) -> str:
    header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    claims = {"iss": service_id, "iat": int(time.time()) if issued_at is None else issued_at}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = _b64(hmac.new(secret.encode(), header + b"." + payload, hashlib.sha256).digest())
    return (header + b"." + payload + b"." + signature).decode()


def split_api_key(api_key: str) -> tuple[str, str]:
    """Notify keys are `<name>-<service id: 36 chars>-<secret: 36 chars>`."""
    if len(api_key) < 74:
        raise ImproperlyConfigured("NOTIFY_API_KEY is not a GOV.UK Notify API key.")
    return api_key[-73:-37], api_key[-36:]


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.service_id, self.secret = split_api_key(settings.NOTIFY_API_KEY)
        self.template_id = settings.NOTIFY_EMAIL_TEMPLATE_ID
        if not self.template_id:
            raise ImproperlyConfigured("NOTIFY_EMAIL_TEMPLATE_ID is needed for the Notify backend.")
        self.url = f"{settings.NOTIFY_BASE_URL}/v2/notifications/email"
        self.timeout = 10

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            for address in message.recipients():
                try:
                    self._post(message, address)
                except NotifyError:
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        return sent

    def _post(self, message, address: str) -> dict:
        body = {
            "email_address": address,
            "template_id": self.template_id,
            "personalisation": {"subject": message.subject, "body": message.body},
        }
        reference = message.extra_headers.get("X-Outbox-Reference")
        if reference:
            body["reference"] = reference
        request = urllib.request.Request(  # noqa: S310 - the URL is our own setting, https in production
            self.url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {notify_token(service_id=self.service_id, secret=self.secret)}",
                "User-Agent": "lotibootcamp-notify-backend",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:500].decode(errors="replace")
            raise NotifyError(f"Notify answered {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise NotifyError(f"Notify could not be reached: {exc}") from exc
