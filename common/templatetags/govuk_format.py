"""GOV.UK style dates, times and numbers in every template and email, without a {% load %}:

    {{ session.starts_at|govuk_date }}            2 December 2026
    {{ session.starts_at|govuk_date:"weekday" }}  Wednesday 2 December 2026
    {{ session.starts_at|govuk_time }}            9:36pm, 9am, midday, midnight
    {{ message.created_at|govuk_datetime }}       2 December 2026 at 9:36pm
    {{ count|govuk_number }}                      14,000

Always London time. See common/formatting.py for the styles."""

from django import template

from common import formatting

register = template.Library()


@register.filter(expects_localtime=False)
def govuk_date(value, style: str = "") -> str:
    return formatting.format_date(value, style)


@register.filter(expects_localtime=False)
def govuk_time(value) -> str:
    return formatting.format_time(value)


@register.filter(expects_localtime=False)
def govuk_datetime(value, style: str = "") -> str:
    return formatting.format_datetime(value, style)


@register.filter
def govuk_number(value, decimals=None) -> str:
    return formatting.format_number(value, decimals)
