"""The one rule for links to stored addresses, in pages, emails and calendar files: only http and
https addresses (and mailto: where a template asks for it) become links. Anything else a person
saved, such as `javascript:alert(1)` or `data:...`, is shown as text or left out, never put in an href.

Site-relative paths we build ourselves ("/projects/3/") pass too; protocol-relative ones ("//x") do not.
"""

import re
from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


def safe_url(value, *, mailto: bool = False) -> str:
    """The address if it may be a link, else an empty string."""
    text = str(value or "").strip()
    if not text or any(ord(character) < 32 for character in text):
        return ""
    if text.startswith("/") and not text.startswith(("//", "/\\")):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    schemes = WEB_SCHEMES | {"mailto"} if mailto else WEB_SCHEMES
    if parts.scheme.lower() not in schemes:
        return ""
    if parts.scheme.lower() in WEB_SCHEMES and not parts.netloc:
        return ""
    return text


ADDRESS = re.compile(r"(?<!\S)[A-Za-z][A-Za-z0-9+.-]*:\S+")


def calendar_text(text: str) -> str:
    """Plain text for a calendar description, where Outlook and Google Calendar turn any address
    into a link by themselves: an address `safe_url` refuses ("javascript:alert(1)") is replaced."""
    return ADDRESS.sub(lambda match: match.group(0) if safe_url(match.group(0)) else "(link removed)", text)
