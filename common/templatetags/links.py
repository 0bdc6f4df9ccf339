from django import template

from common.links import safe_url

register = template.Library()


@register.filter
def safe_href(value, allow: str = "") -> str:
    """`{% with href=value|safe_href %}{% if href %}<a href="{{ href }}">…{% else %}{{ value }}{% endif %}`.
    `value|safe_href:"mailto"` also allows mailto: addresses."""
    return safe_url(value, mailto=allow == "mailto")
