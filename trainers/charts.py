"""Geometry for the impact pages' inline SVG: the London tile map and bar charts. Drawn in templates
(no JavaScript, nothing the CSP blocks); every picture has a table of the same numbers beside it."""

import math
from dataclasses import dataclass

# The 32 boroughs and the City of London as squares on an 8 by 6 grid, roughly where each lies:
# GSS code -> (short label, column from the west, row from the north).
LONDON_TILES = {
    "E09000003": ("BNT", 3, 0),  # Barnet
    "E09000010": ("ENF", 4, 0),  # Enfield
    "E09000015": ("HRW", 1, 1),  # Harrow
    "E09000005": ("BRT", 2, 1),  # Brent
    "E09000007": ("CMD", 3, 1),  # Camden
    "E09000014": ("HGY", 4, 1),  # Haringey
    "E09000031": ("WFT", 5, 1),  # Waltham Forest
    "E09000026": ("RDB", 6, 1),  # Redbridge
    "E09000016": ("HVG", 7, 1),  # Havering
    "E09000017": ("HDN", 0, 2),  # Hillingdon
    "E09000009": ("ELG", 1, 2),  # Ealing
    "E09000020": ("KNS", 2, 2),  # Kensington and Chelsea
    "E09000033": ("WSM", 3, 2),  # Westminster
    "E09000019": ("ISL", 4, 2),  # Islington
    "E09000012": ("HCK", 5, 2),  # Hackney
    "E09000025": ("NWM", 6, 2),  # Newham
    "E09000002": ("BDG", 7, 2),  # Barking and Dagenham
    "E09000018": ("HNS", 0, 3),  # Hounslow
    "E09000013": ("HMS", 1, 3),  # Hammersmith and Fulham
    "E09000032": ("WND", 2, 3),  # Wandsworth
    "E09000022": ("LBH", 3, 3),  # Lambeth
    "E09000001": ("CTY", 4, 3),  # City of London
    "E09000030": ("TWH", 5, 3),  # Tower Hamlets
    "E09000011": ("GRN", 6, 3),  # Greenwich
    "E09000004": ("BXL", 7, 3),  # Bexley
    "E09000027": ("RCH", 1, 4),  # Richmond upon Thames
    "E09000024": ("MRT", 2, 4),  # Merton
    "E09000008": ("CRD", 3, 4),  # Croydon
    "E09000028": ("SWK", 4, 4),  # Southwark
    "E09000023": ("LSH", 5, 4),  # Lewisham
    "E09000006": ("BRM", 6, 4),  # Bromley
    "E09000021": ("KNG", 1, 5),  # Kingston upon Thames
    "E09000029": ("STN", 2, 5),  # Sutton
}

TILE, GAP, MARGIN = 64, 6, 8
# (fill, text colour): text contrast is at least 4.5:1 on every fill; "none" is white with a hatch
# pattern and every tile prints its value, so the map never relies on colour alone.
SHADES = [
    ("#ffffff", "#0b0c0c"),
    ("#d2e2f1", "#0b0c0c"),
    ("#8eb8dc", "#0b0c0c"),
    ("#1d70b8", "#ffffff"),
    ("#003078", "#ffffff"),
]


@dataclass
class Tile:
    gss_code: str
    name: str
    label: str
    value: float
    shade: int
    x: int
    y: int

    @property
    def fill(self) -> str:
        return SHADES[self.shade][0]

    @property
    def text_colour(self) -> str:
        return SHADES[self.shade][1]

    @property
    def hatched(self) -> bool:
        return self.shade == 0

    @property
    def centre(self) -> int:
        return self.x + TILE // 2

    @property
    def label_y(self) -> int:
        return self.y + 27

    @property
    def value_y(self) -> int:
        return self.y + 51

    @property
    def value_text(self) -> str:
        return _display(self.value)


def _display(value: float) -> str:
    return f"{value:g}"


def nice_step(largest: float, parts: int = 4) -> int:
    """A round step (1, 2, 5, 10, 20, 25, 50, 100, ...) so that `parts` steps cover `largest`."""
    rough = max(largest / parts, 1)
    magnitude = 10 ** max(0, math.floor(math.log10(rough)))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= rough and step == int(step):
            return int(step)
    return int(10 * magnitude)


def tile_map(values: dict[str, tuple[str, float]], *, measure_label: str) -> dict:
    """`values`: GSS code -> (name, value) for the 33 authorities on the map."""
    largest = max((value for _, value in values.values()), default=0)
    step = nice_step(largest)
    tiles = []
    for gss_code, (label, column, row) in LONDON_TILES.items():
        name, value = values.get(gss_code, ("", 0))
        shade = 0 if value <= 0 else min(4, math.ceil(value / step))
        tiles.append(
            Tile(
                gss_code=gss_code,
                name=name,
                label=label,
                value=value,
                shade=shade,
                x=MARGIN + column * (TILE + GAP),
                y=MARGIN + row * (TILE + GAP),
            )
        )
    width = MARGIN * 2 + 8 * (TILE + GAP) - GAP
    grid_bottom = MARGIN + 6 * (TILE + GAP)
    legend = [{"fill": SHADES[0][0], "text_colour": SHADES[0][1], "hatched": True, "label": "None"}]
    # Whole numbers step by 1; figures with decimals (mentor hours, to one place) by 0.1, so a shade's
    # range starts just above the one before it: "0.1 to 2", "2.1 to 4".
    unit = 1 if all(float(value).is_integer() for _, value in values.values()) else 0.1
    for shade in range(1, 5):
        low, high = round((shade - 1) * step + unit, 1), shade * step
        if low > largest:
            break
        text = _display(low) if low == high else f"{_display(low)} to {_display(high)}"
        legend.append({"fill": SHADES[shade][0], "text_colour": SHADES[shade][1], "hatched": False, "label": text})
    for index, entry in enumerate(legend):
        entry["x"] = MARGIN + index * 108
        entry["y"] = grid_bottom + 26
    top = sorted((t for t in tiles if t.value > 0), key=lambda t: (-t.value, t.name))
    none = sum(1 for t in tiles if t.value <= 0)
    if top:
        leaders = ", ".join(f"{t.name} ({_display(t.value)})" for t in top[:3])
        summary = f"Highest: {leaders}. {none} of 33 have none."
    else:
        summary = "No authority has any yet."
    return {
        "tiles": sorted(tiles, key=lambda t: (t.y, t.x)),
        "legend": legend,
        "width": width,
        "height": grid_bottom + 26 + 24 + 8,
        "tile": TILE,
        "legend_title_y": grid_bottom + 16,
        "description": (
            f"Tile map of the 32 London boroughs and the City of London, each a square roughly where it lies, "
            f"shaded by {measure_label.lower()}. {summary} The table beside the map gives every value."
        ),
    }


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def value_y(self) -> float:
        return round(self.y - 6, 1)


WIDTH, HEIGHT = 600, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 24, 56


def bar_chart(items: list[tuple[str, int]], *, description: str) -> dict | None:
    """Vertical bars with the value printed above each bar and the label below it."""
    if not items:
        return None
    largest = max(value for _, value in items)
    step = nice_step(largest)
    top_value = step * 4
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / len(items)
    bar_width = round(slot * 0.6, 1)
    bars = []
    for index, (label, value) in enumerate(items):
        height = round(plot_height * value / top_value, 1)
        bars.append(
            Bar(
                x=round(LEFT + index * slot + (slot - bar_width) / 2, 1),
                y=round(TOP + plot_height - height, 1),
                width=bar_width,
                height=height,
                value=value,
                label=label,
            )
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": TOP + plot_height,
        "label_y": TOP + plot_height + 20,
        "ticks": [{"y": round(TOP + plot_height - plot_height * k / 4, 1), "label": step * k} for k in range(5)],
        "bars": bars,
        "description": description,
        "label_size": 15 if len(items) <= 8 else 12,
    }


def scale_chart(items: list[tuple[str, float | None]], *, top: float, description: str, step: float = 1) -> dict | None:
    """Bars on a fixed scale from 0 to `top` (a 1-5 rating, a change in points), value above each bar.
    A missing value draws no bar and prints "none"; a negative one draws no bar and prints its value."""
    if not items:
        return None
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / len(items)
    bar_width = round(slot * 0.6, 1)
    bars = []
    for index, (label, value) in enumerate(items):
        shown = max(0.0, min(value or 0.0, top))
        height = round(plot_height * shown / top, 1)
        bars.append(
            Bar(
                x=round(LEFT + index * slot + (slot - bar_width) / 2, 1),
                y=round(TOP + plot_height - height, 1),
                width=bar_width,
                height=height,
                value="none" if value is None else f"{value:g}",
                label=label,
            )
        )
    ticks = int(top / step)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": TOP + plot_height,
        "label_y": TOP + plot_height + 20,
        "ticks": [
            {"y": round(TOP + plot_height - plot_height * k / ticks, 1), "label": f"{step * k:g}"}
            for k in range(ticks + 1)
        ],
        "bars": bars,
        "description": description,
        "label_size": 15 if len(items) <= 8 else 12,
    }
