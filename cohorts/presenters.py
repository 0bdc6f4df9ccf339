"""How cohort facts are put into words, so views and templates show no stored codes or sums."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.links import safe_url

from .services import CohortUpdate


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def cohort_update_summary(update: CohortUpdate) -> str:
    """The success banner after staff save a cohort's settings: what else changed because of it."""
    parts = ["The cohort’s settings have been saved."]
    if update.sessions_moved:
        parts.append(
            f"{_plural(update.sessions_moved, 'session has', 'sessions have')} moved to follow the new "
            "bank holiday and Christmas settings."
        )
    if update.offers_withdrawn:
        names = ", ".join(enrolment.officer.full_name for enrolment in update.offers_withdrawn)
        parts.append(
            f"{_plural(len(update.offers_withdrawn), 'open offer was', 'open offers were')} withdrawn "
            f"because no place is left for them, and we have emailed {names}."
        )
    return " ".join(parts)


WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+")
# Full stops, commas and closing brackets at the end of an address usually end the sentence.
TRAILING = ".,;:!?)]"


def _linked(line: str) -> str:
    parts: list[str] = []
    last = 0
    for match in WEB_ADDRESS.finditer(line):
        address = match.group(0).rstrip(TRAILING)
        end = match.start() + len(address)
        parts.append(escape(line[last : match.start()]))
        href = safe_url(address)
        if href:
            parts.append(f'<a class="govuk-link" href="{escape(href)}">{escape(address)}</a>')
        else:
            parts.append(escape(address))
        last = end
    parts.append(escape(line[last:]))
    return "".join(parts)


def announcement_body_html(text: str) -> SafeString:
    """An announcement's plain text as GOV.UK paragraphs. Everything is escaped; only http and https
    addresses become links, through the one link rule (common.links.safe_url)."""
    paragraphs = [block.strip() for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    html = "".join(
        '<p class="govuk-body">' + "<br>".join(_linked(line) for line in block.splitlines()) + "</p>"
        for block in paragraphs
    )
    return mark_safe(html)  # noqa: S308 - every piece above is escaped or built from a safe_url


def decision_summary(decision: str, count: int) -> str:
    verb = {
        "select": "selected",
        "waitlist": "added to the waitlist",
        "not_selected": "marked not selected",
    }[decision]
    done = _plural(count, "application has", "applications have")
    return f"{done} been {verb}, and the outcome letters are on their way."
