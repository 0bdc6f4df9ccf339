"""Coordinates for the linkage quality chart: measured precision and recall over runs, each with its 95%
Wilson interval as an error bar, drawn as inline SVG in the template (no JavaScript), with a table of
the same numbers beside it. Only measured figures are drawn: a self-reported run, a run whose counts
were rejected and a figure with no basis ("not measured") have no point."""

from dataclasses import dataclass

from common.formatting import format_date

from .models import LinkageRun
from .quality import Estimate

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 20, 52
# Precision and recall of one run sit either side of the run's date, so their error bars never overlap.
OFFSET = 7
CAP = 5


@dataclass
class Point:
    x: float
    y: float
    low: float
    high: float
    value: float
    label: str

    @property
    def cap_left(self) -> float:
        return round(self.x - CAP, 1)

    @property
    def cap_right(self) -> float:
        return round(self.x + CAP, 1)

    @property
    def square(self) -> float:
        return round(self.x - 5, 1)

    @property
    def square_y(self) -> float:
        return round(self.y - 5, 1)


def _y(value: float) -> float:
    return round(TOP + (1 - value) * (HEIGHT - TOP - BOTTOM), 1)


def _chartable(run: LinkageRun) -> bool:
    return run.quality in (LinkageRun.Quality.WAITING, LinkageRun.Quality.CONFIRMED) and (
        run.precision is not None or run.recall is not None
    )


def _point(x: float, estimate: Estimate, label: str) -> Point:
    return Point(
        x=round(x, 1),
        y=_y(estimate.value),
        low=_y(estimate.lower),
        high=_y(estimate.upper),
        value=estimate.value,
        label=label,
    )


def quality_chart(runs: list[LinkageRun]) -> dict | None:
    shown = [run for run in runs if _chartable(run)]
    if not shown:
        return None
    plot_width = WIDTH - LEFT - RIGHT - 4 * OFFSET
    step = plot_width / (len(shown) - 1) if len(shown) > 1 else 0
    xs = [LEFT + 2 * OFFSET + (i * step if len(shown) > 1 else plot_width / 2) for i in range(len(shown))]
    labels = [format_date(run.run_on, "short,no_year") for run in shown]
    precision = [
        _point(x - OFFSET, run.precision, label)
        for x, run, label in zip(xs, shown, labels, strict=True)
        if run.precision is not None
    ]
    recall = [
        _point(x + OFFSET, run.recall, label)
        for x, run, label in zip(xs, shown, labels, strict=True)
        if run.recall is not None
    ]
    left_out = len(runs) - len(shown)
    first, last = shown[0], shown[-1]
    description = (
        f"{len(shown)} linkage run{'s' if len(shown) != 1 else ''} with measured quality, "
        f"from {format_date(first.run_on)} to {format_date(last.run_on)}, each with a 95% interval. "
        + _change("Precision", [run.precision for run in shown])
        + _change("Recall", [run.recall for run in shown])
        + (f"Runs not drawn (not measured, self-reported or rejected): {left_out}." if left_out else "")
    )
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
        "x_labels": [(round(x, 1), label) for x, label in zip(xs, labels, strict=True)],
        "precision": precision,
        "recall": recall,
        "precision_points": " ".join(f"{p.x},{p.y}" for p in precision),
        "recall_points": " ".join(f"{p.x},{p.y}" for p in recall),
        "description": description,
    }


def _change(name: str, estimates: list[Estimate | None]) -> str:
    measured = [e for e in estimates if e is not None]
    if not measured:
        return f"{name} not measured. "
    if len(measured) == 1:
        only = measured[0]
        return f"{name} {only.value:.3f} (95% interval {only.lower:.3f} to {only.upper:.3f}). "
    first, last = measured[0], measured[-1]
    return (
        f"{name} went from {first.value:.3f} ({first.lower:.3f} to {first.upper:.3f}) "
        f"to {last.value:.3f} ({last.lower:.3f} to {last.upper:.3f}). "
    )
