"""The one way dates, times and numbers are shown, in GOV.UK style
(https://www.gov.uk/guidance/style-guide/a-to-z-of-gov-uk-style#dates, #times, #numbers):

- dates: "2 December 2026", "Wednesday 2 December 2026"; "2 Dec 2026" only where a table is short
  of room; never "02/12/2026";
- times: "9am", "9:36pm", "midday", "midnight" (never "12pm", "21:36" or "9:36 p.m.");
- numbers: "14,000" (a comma for thousands), "0.5";
- always in London time (GMT or BST as the day has it), whatever the server's clock says.

Templates use the filters in `common.templatetags.govuk_format` (built in to every template);
presenters and emails built in Python call these functions.
"""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
STYLES = {"weekday", "short", "no_year", "month"}


def _london(value: datetime) -> datetime:
    return value.astimezone(LONDON) if value.tzinfo is not None else value


def _styles(style: str) -> set[str]:
    return {part.strip() for part in (style or "").split(",") if part.strip()} & STYLES


def format_date(value: date | datetime | None, style: str = "") -> str:
    """`style` is a comma list of: weekday ("Wednesday 2 December 2026"), short ("Wed 2 Dec 2026"),
    no_year ("2 December"), month ("December 2026")."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = _london(value).date()
    if not isinstance(value, date):
        return str(value)
    styles = _styles(style)
    month = MONTHS[value.month - 1]
    weekday = WEEKDAYS[value.weekday()]
    if "short" in styles:
        month, weekday = month[:3], weekday[:3]
    if "month" in styles:
        return f"{month} {value.year}"
    text = f"{value.day} {month}"
    if "no_year" not in styles:
        text += f" {value.year}"
    if "weekday" in styles:
        text = f"{weekday} {text}"
    return text


def format_time(value: datetime | time | None) -> str:
    """ "9am", "9:36pm", "midday", "midnight"; an aware datetime is shown in London time."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = _london(value)
    if not isinstance(value, datetime | time):
        return str(value)
    hour, minute = value.hour, value.minute
    if minute == 0 and hour == 0:
        return "midnight"
    if minute == 0 and hour == 12:
        return "midday"
    suffix = "am" if hour < 12 else "pm"
    twelve = hour % 12 or 12
    return f"{twelve}{suffix}" if minute == 0 else f"{twelve}:{minute:02d}{suffix}"


def format_datetime(value: datetime | None, style: str = "") -> str:
    """ "2 December 2026 at 9:36pm" (the date in London, as the time is)."""
    if value is None or value == "":
        return ""
    return f"{format_date(value, style)} at {format_time(value)}"


def format_number(value, decimals: int | None = None) -> str:
    """ "14,000"; with `decimals`, "14,000.5". A value that is not a number is shown as it is."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if not number.is_finite():
        return str(value)
    if decimals is None:
        if number == number.to_integral_value():
            return f"{int(number):,}"
        return f"{number:,}"
    return f"{number:,.{int(decimals)}f}"
