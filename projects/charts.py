"""Coordinates for the linkage quality chart: precision and recall over runs, drawn as inline SVG in the
template (no JavaScript), with a table of the same numbers beside it."""

from dataclasses import dataclass

from common.formatting import format_date

from .models import LinkageRun

WIDTH, HEIGHT = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 20, 48


@dataclass
class Point:
    x: float
    y: float
    value: float
    label: str


def _y(value: float) -> float:
    return round(TOP + (1 - value) * (HEIGHT - TOP - BOTTOM), 1)


def quality_chart(runs: list[LinkageRun]) -> dict | None:
    if not runs:
        return None
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / (len(runs) - 1) if len(runs) > 1 else 0
    xs = [round(LEFT + (i * step if len(runs) > 1 else plot_width / 2), 1) for i in range(len(runs))]
    labels = [format_date(run.run_on, "short,no_year") for run in runs]

    def series(attribute: str) -> list[Point]:
        return [
            Point(x, _y(float(getattr(run, attribute))), float(getattr(run, attribute)), label)
            for x, run, label in zip(xs, runs, labels, strict=True)
        ]

    precision, recall = series("precision"), series("recall")
    first, last = runs[0], runs[-1]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "top": TOP,
        "label_y": HEIGHT - BOTTOM + 20,
        "legend_y": HEIGHT - 8,
        "ticks": [{"y": _y(v / 4), "label": f"{v / 4:.2f}"} for v in range(5)],
        "x_labels": list(zip(xs, labels, strict=True)),
        "precision": precision,
        "recall": recall,
        "precision_points": " ".join(f"{p.x},{p.y}" for p in precision),
        "recall_points": " ".join(f"{p.x},{p.y}" for p in recall),
        "description": (
            f"{len(runs)} linkage runs from {format_date(first.run_on)} to {format_date(last.run_on)}. "
            f"Precision went from {first.precision} to {last.precision}; recall from {first.recall} to {last.recall}."
        ),
    }
