"""Signed unsubscribe tokens: who and which kind of email, with no expiry, because an unsubscribe
link in an old email must keep working."""

from django.core import signing

SALT = "notifications.unsubscribe"


def unsubscribe_token_make(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("k"), str):
        return None
    return data["u"], data["k"]
