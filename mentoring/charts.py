"""Coordinates for the utilisation chart: per cohort, three horizontal bars a mentor (hours offered,
booked, used), drawn as inline SVG (no JavaScript) beside a table of the same numbers. The three
measures differ by pattern and position as well as colour, and every bar carries its value.

The template draws the frame, the patterns and the legend; the bars themselves (three a mentor, twenty
mentors a cohort, five cohorts a page) are written here: names escaped, every other value a number or a
constant, at a fraction of the cost of a template variable each (issue 16: the page spent two
thirds of its time resolving bar coordinates)."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .selectors import Utilisation

WIDTH = 480
LABEL_RIGHT = 164  # mentor names end here
BAR_LEFT = 172
VALUE_ROOM = 66  # for "123.5 h" after the longest bar
BAR_HEIGHT = 18
BAR_GAP = 3
GROUP_GAP = 18
LEGEND_HEIGHT = 40

MEASURES = (
    ("offered", "Offered", "offered_hours"),
    ("booked", "Booked", "booked_hours"),
    ("used", "Used", "used_hours"),
)
MEASURE_NAMES = {measure: measure for measure, _, _ in MEASURES}  # a bar's pattern id: only these


@dataclass
class Bar:
    measure: str  # offered, booked or used: picks the pattern
    label: str
    y: float
    width: float
    value: float

    @property
    def value_x(self) -> float:
        return round(BAR_LEFT + self.width + 6, 1)

    @property
    def text_y(self) -> float:
        return round(self.y + BAR_HEIGHT - 4, 1)


@dataclass
class Group:
    name: str
    name_y: float
    bars: list[Bar]


def _hours(value: float) -> str:
    return f"{value:g} h"


def _number(value: float) -> float:
    """A coordinate or value as written into SVG: a number, never text."""
    return value if isinstance(value, int | float) else float(value)


def _bars_svg(groups: list[Group], *, key: str) -> SafeString:
    """The mentors' names and bars, as SVG. The names and the key are escaped; everything else is a
    number (written as Python writes it: SVG numbers, not prose for the locale) or a constant here."""
    key = escape(key)
    parts = []
    for group in groups:
        parts.append(
            f'<text x="{LABEL_RIGHT}" y="{_number(group.name_y)}" text-anchor="end" font-size="16" '
            f'fill="#0b0c0c">{escape(group.name)}</text>'
        )
        for bar in group.bars:
            parts.append(
                f'<rect x="{BAR_LEFT}" y="{_number(bar.y)}" width="{_number(bar.width)}" height="{BAR_HEIGHT}" '
                f'fill="url(#{key}-{MEASURE_NAMES[bar.measure]})" stroke="#003078" stroke-width="1"/>'
                f'<text x="{_number(bar.value_x)}" y="{_number(bar.text_y)}" font-size="14" fill="#0b0c0c">'
                f"{_number(bar.value)} h</text>"
            )
    return mark_safe("\n".join(parts))  # noqa: S308 - built above from escaped text and numbers


def utilisation_chart(rows: list[Utilisation], *, key: str) -> dict | None:
    """`key` makes the pattern and title ids unique on a page holding several cohorts' charts."""
    if not rows:
        return None
    top = max(max(row.offered_hours, row.booked_hours, row.used_hours) for row in rows) or 1.0
    scale = (WIDTH - BAR_LEFT - VALUE_ROOM) / top
    group_height = 3 * BAR_HEIGHT + 2 * BAR_GAP
    groups = []
    for index, row in enumerate(rows):
        y = LEGEND_HEIGHT + index * (group_height + GROUP_GAP)
        bars = []
        for position, (measure, label, attribute) in enumerate(MEASURES):
            value = getattr(row, attribute)
            bars.append(
                Bar(
                    measure=measure,
                    label=label,
                    y=y + position * (BAR_HEIGHT + BAR_GAP),
                    width=round(max(value * scale, 0), 1),
                    value=value,
                )
            )
        name = row.mentor.full_name if len(row.mentor.full_name) <= 18 else f"{row.mentor.full_name[:17]}…"
        groups.append(Group(name=name, name_y=y + group_height / 2 + 5, bars=bars))
    height = LEGEND_HEIGHT + len(rows) * (group_height + GROUP_GAP)
    description = "; ".join(
        f"{row.mentor.full_name}: {_hours(row.offered_hours)} offered, {_hours(row.booked_hours)} booked, "
        f"{_hours(row.used_hours)} used"
        for row in rows
    )
    return {
        "key": key,
        "width": WIDTH,
        "height": height,
        "label_right": LABEL_RIGHT,
        "bar_left": BAR_LEFT,
        "bar_height": BAR_HEIGHT,
        "groups": groups,
        "bars_svg": _bars_svg(groups, key=key),
        "legend": [
            {"measure": measure, "label": label, "x": BAR_LEFT + n * 100, "text_x": BAR_LEFT + n * 100 + 24}
            for n, (measure, label, _) in enumerate(MEASURES)
        ],
        "description": f"Hours per mentor, three bars each: offered, booked and used. {description}.",
    }
