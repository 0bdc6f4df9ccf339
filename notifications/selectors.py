from django.db import connection
from django.db.models import Count, QuerySet

from . import registry
from .models import Message, Unsubscription


def outbox_list(*, status: str = "", kind: str = "") -> QuerySet[Message]:
    """Every message, newest first, for programme staff; the bodies are left for the detail page
    (the outbox page filters it further with notifications.filters.OutboxFilter)."""
    messages = Message.objects.select_related("recipient").defer("body_text", "body_html", "attachments")
    if status:
        messages = messages.filter(status=status)
    if kind:
        messages = messages.filter(kind=kind)
    return messages.order_by("-created_at", "-pk")


def outbox_counts() -> dict[str, int]:
    counts = dict(Message.objects.order_by().values_list("status").annotate(n=Count("*")))
    return {status: counts.get(status, 0) for status, _ in Message.Status.choices}


def outbox_kinds() -> list[str]:
    """Every kind of message in the outbox, and every kind the service sends. The kinds stored are read
    with a skip scan on the kind index (one index probe a kind, however many messages), where
    SELECT DISTINCT would read every row."""
    table = connection.ops.quote_name(Message._meta.db_table)
    sql = f"""
        WITH RECURSIVE kinds(kind) AS (
            SELECT (SELECT MIN(kind) FROM {table})
            UNION ALL
            SELECT (SELECT MIN(kind) FROM {table} WHERE kind > kinds.kind) FROM kinds WHERE kinds.kind IS NOT NULL
        )
        SELECT kind FROM kinds WHERE kind IS NOT NULL
    """  # noqa: S608  only the table name is formatted in
    with connection.cursor() as cursor:
        cursor.execute(sql)
        stored = {row[0] for row in cursor.fetchall()}
    return sorted(stored | set(registry.KINDS))


def message_detail(*, pk: int) -> Message:
    return Message.objects.select_related("recipient").get(pk=pk)


def preferences_for(user) -> list[tuple[registry.Kind, bool]]:
    """Each optional kind with whether the person receives it."""
    off = set(Unsubscription.objects.filter(user=user).values_list("kind", flat=True))
    return [(kind, kind.name not in off) for kind in registry.optional_kinds()]
