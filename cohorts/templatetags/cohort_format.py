from django import template
from django.utils.safestring import SafeString

from cohorts.presenters import announcement_body_html

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    """A rate from 0 to 1 as a whole percentage; an em dash where nothing was recorded."""
    return "—" if rate is None else f"{round(rate * 100)}%"


@register.filter
def ordinal_place(position: int) -> str:
    return f"number {position} on the waitlist"


@register.filter
def announcement_body(text: str) -> SafeString:
    """An announcement's plain text as paragraphs, with its web addresses as safe links."""
    return announcement_body_html(text)
