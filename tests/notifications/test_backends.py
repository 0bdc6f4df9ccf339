"""The GOV.UK Notify backend (Notify's official client) against a stub Notify API on 127.0.0.1 (never
the real service)."""

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.mail import EmailMessage, get_connection

from notifications import services
from notifications.backends import NotifyError, Undeliverable
from notifications.models import Message
from tests.factories import MessageFactory

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"bootcamp_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class StubNotify(BaseHTTPRequestHandler):
    received: list = []
    status = 201

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers["Authorization"].removeprefix("Bearer ")
        header, payload, signature = token.split(".")
        expected = hmac.new(SECRET.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        valid = hmac.compare_digest(_unb64(signature), expected)
        StubNotify.received.append(
            {"path": self.path, "body": body, "claims": json.loads(_unb64(payload)), "valid": valid}
        )
        status = StubNotify.status if valid else 403
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        if status < 400:
            answer = {"id": "740e5834-3a29-46b4-9a6f-16142fde533a"}
        else:  # Notify's error shape
            answer = {"status_code": status, "errors": [{"error": "Error", "message": f"stub refused with {status}"}]}
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def notify(settings):
    StubNotify.received = []
    StubNotify.status = 201
    server = HTTPServer(("127.0.0.1", 0), StubNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_EMAIL_TEMPLATE_ID = TEMPLATE_ID
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield StubNotify
    server.shutdown()
    server.server_close()


def send(**kwargs):
    connection = get_connection("notifications.backends.NotifyEmailBackend", **kwargs)
    email = EmailMessage("Training tomorrow", "Bring your laptop.", to=["amara@example.org"], connection=connection)
    email.extra_headers["X-Outbox-Reference"] = "outbox-7"
    return email.send()


def test_notify_backend_posts_a_signed_request_with_subject_and_body(notify):
    assert send() == 1
    [request] = notify.received
    assert request["valid"] is True
    assert request["path"] == "/v2/notifications/email"
    assert request["claims"]["iss"] == SERVICE_ID
    assert request["body"] == {
        "email_address": "amara@example.org",
        "template_id": TEMPLATE_ID,
        "personalisation": {"subject": "Training tomorrow", "body": "Bring your laptop."},
        "reference": "outbox-7",
    }


def test_notify_backend_raises_when_notify_refuses(notify):
    notify.status = 429
    with pytest.raises(NotifyError, match="429"):
        send()


@pytest.mark.parametrize("status", [400, 403])
def test_notify_refusal_that_no_retry_changes_is_undeliverable(notify, status):
    notify.status = status
    with pytest.raises(Undeliverable, match=str(status)):
        send()


@pytest.mark.parametrize("status", [429, 500, 503])
def test_notify_rate_limit_or_outage_is_retried(notify, status):
    notify.status = status
    with pytest.raises(NotifyError, match=str(status)):
        send()


def test_notify_unreachable_is_retried(notify, settings):
    settings.NOTIFY_BASE_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
    with pytest.raises(NotifyError, match="503"):
        send()


@pytest.mark.django_db
def test_outbox_fails_at_once_what_notify_refuses_and_retries_what_it_cannot_take_yet(notify, settings):
    settings.EMAIL_BACKEND = "notifications.backends.NotifyEmailBackend"
    refused, later = MessageFactory(), MessageFactory()
    notify.status = 400
    assert services.message_deliver(message_id=refused.pk) is False
    notify.status = 429
    with pytest.raises(services.DeliveryError):
        services.message_deliver(message_id=later.pk)
    notify.status = 201
    refused.refresh_from_db()
    later.refresh_from_db()
    assert (refused.status, refused.attempts) == (Message.Status.FAILED, 1)
    assert "400" in refused.last_error
    assert (later.status, later.attempts) == (Message.Status.QUEUED, 1)
    Message.objects.filter(pk=later.pk).update(send_after=None)
    assert services.message_deliver(message_id=later.pk) is True
    assert [request["body"]["reference"] for request in notify.received] == [
        f"outbox-{refused.pk}",
        f"outbox-{later.pk}",
        f"outbox-{later.pk}",
    ]
