"""Coordinates for the utilisation chart: per cohort, three horizontal bars a mentor (hours offered,
booked, used), drawn as inline SVG in the template (no JavaScript) beside a table of the same numbers.
The three measures differ by pattern and position as well as colour, and every bar carries its value."""

from dataclasses import dataclass

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
        "legend": [
            {"measure": measure, "label": label, "x": BAR_LEFT + n * 100, "text_x": BAR_LEFT + n * 100 + 24}
            for n, (measure, label, _) in enumerate(MEASURES)
        ],
        "description": f"Hours per mentor, three bars each: offered, booked and used. {description}.",
    }
