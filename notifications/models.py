from email.utils import make_msgid, parseaddr
from functools import lru_cache

from django.conf import settings
from django.db import models


def internet_message_id_make() -> str:
    """A fresh RFC 5322 Message-ID on the sender's domain. It is stored with the row, so every attempt
    to send one outbox message carries the same Message-ID and a receiver can tell a repeat."""
    return make_msgid(idstring="outbox", domain=_sender_domain(settings.DEFAULT_FROM_EMAIL))


@lru_cache(maxsize=8)
def _sender_domain(from_email: str) -> str:
    """Parsed once per sender address, not once per message (a roster import writes 1,500)."""
    return parseaddr(from_email)[1].rpartition("@")[2] or "lotibootcamp.invalid"


class Message(models.Model):
    """One email in the outbox. It is written in the same transaction as the change that causes it,
    and the row, not the broker, is the record of whether it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    # Line managers and waitlisted applicants may have no account, so the address is stored itself.
    to_email = models.EmailField()
    kind = models.CharField(max_length=50, db_index=True)
    dedup_key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    # Essential mail (booking changes, approval requests) ignores preferences; optional mail does not.
    is_essential = models.BooleanField(default=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The database is the schedule: a row is not sent before send_after (None means at once), and
    # enqueued_at records when a send task was last handed to the broker, so the sweeper can tell a
    # row whose task was lost from one whose task is on its way.
    send_after = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    internet_message_id = models.CharField(max_length=255, default=internet_message_id_make)
    # Set when a send was interrupted (the worker died, or its lease ran out) with the mail server's
    # answer unknown, and the message was sent again: it may have arrived twice.
    delivery_unknown = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "send_after"], name="message_status_send_after"),
            # The outbox's default order: a page of 50 reads 50 index entries, not a sort of every message.
            models.Index(fields=["-created_at", "-id"], name="message_newest_first"),
            # The outbox's kind filter and its list of kinds (read with a skip scan, selectors.outbox_kinds).
            models.Index(fields=["kind", "created_at"], name="message_kind_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_email} ({self.status})"


class Unsubscription(models.Model):
    """A person's choice not to receive one kind of optional email. No row means they receive it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unsubscriptions")
    kind = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_unsubscription_per_user_kind")]

    def __str__(self) -> str:
        return f"{self.user} does not receive {self.kind}"


class DigestRun(models.Model):
    """The weekly digests of one ISO week were built and queued. Without a row for this week, the
    next hourly run from Monday 08:00 London on builds them: a missed Monday catches up."""

    week = models.CharField(max_length=10, unique=True)  # "2026-W24"
    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week"]

    def __str__(self) -> str:
        return f"digests for {self.week}"
