"""How exercise results are shown: measures as percentages, status tags, the precision-recall chart
and the side-by-side samples of mistakes."""

from dataclasses import dataclass

from . import scoring
from .models import Exercise, ExerciseRecord, Submission

STATUS_TAGS = {
    Submission.Status.QUEUED: "govuk-tag--yellow",
    Submission.Status.SCORED: "govuk-tag--green",
    Submission.Status.FAILED: "govuk-tag--red",
}


def percent(value: float | None) -> str:
    """0.8731 → "87.3%"; None (precision of an empty submission) → "not defined"."""
    if value is None:
        return "not defined"
    return f"{value * 100:.1f}%"


@dataclass
class Measures:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> str:
        return percent(scoring.precision(self.tp, self.fp))

    @property
    def recall(self) -> str:
        return percent(scoring.recall(self.tp, self.fn))

    @property
    def f1(self) -> str:
        return percent(scoring.f1(self.tp, self.fp, self.fn))


def measures(submission: Submission) -> Measures | None:
    if submission.status != Submission.Status.SCORED:
        return None
    return Measures(tp=submission.tp, fp=submission.fp, fn=submission.fn)


def status_tag(submission: Submission) -> dict:
    return {"label": submission.get_status_display(), "colour": STATUS_TAGS[submission.status]}


@dataclass
class CurvePoint:
    threshold: float
    accepted: int
    precision: float
    recall: float
    f1: float
    x: float
    y: float
    is_best: bool = False

    @property
    def precision_text(self) -> str:
        return percent(self.precision)

    @property
    def recall_text(self) -> str:
        return percent(self.recall)

    @property
    def f1_text(self) -> str:
        return percent(self.f1)


WIDTH, HEIGHT = 560, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 64


def curve_chart(submission: Submission) -> dict | None:
    """Precision (up) against recall (across), one point per threshold, the best F1 marked."""
    if not submission.curve or submission.status != Submission.Status.SCORED:
        return None
    true_total = submission.tp + submission.fn
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    points = []
    for threshold, accepted, true_accepted in submission.curve:
        p = scoring.precision(true_accepted, accepted - true_accepted) or 0.0
        r = scoring.recall(true_accepted, true_total - true_accepted) or 0.0
        points.append(
            CurvePoint(
                threshold=threshold,
                accepted=accepted,
                precision=p,
                recall=r,
                f1=scoring.f1(true_accepted, accepted - true_accepted, true_total - true_accepted),
                x=round(LEFT + r * plot_w, 1),
                y=round(TOP + (1 - p) * plot_h, 1),
            )
        )
    best = max(points, key=lambda point: (point.f1, point.threshold))
    best.is_best = True
    ticks = [i / 4 for i in range(5)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "x_label_y": HEIGHT - BOTTOM + 22,
        "axis_title_y": HEIGHT - 12,
        "y_ticks": [{"y": round(TOP + (1 - t) * plot_h, 1), "label": percent(t)} for t in ticks],
        "x_ticks": [{"x": round(LEFT + t * plot_w, 1), "label": percent(t)} for t in ticks],
        "polyline": " ".join(f"{p.x},{p.y}" for p in points),
        "points": points,
        "best": best,
        "description": (
            f"{len(points)} thresholds. The best F1, {best.f1_text}, comes from accepting pairs scored "
            f"{best.threshold:g} or more: precision {best.precision_text}, recall {best.recall_text}."
        ),
    }


@dataclass
class PairRow:
    left_id: str
    right_id: str
    left: ExerciseRecord | None
    right: ExerciseRecord | None
    score: float | None = None

    @property
    def pair(self) -> list[tuple[ExerciseRecord | None, str]]:
        return [(self.left, self.left_id), (self.right, self.right_id)]


def sample_rows(exercise: Exercise, pairs: list[list], records: dict) -> list[PairRow]:
    rows = []
    for pair in pairs:
        left_id, right_id = pair[0], pair[1]
        rows.append(
            PairRow(
                left_id=left_id,
                right_id=right_id,
                left=records.get((ExerciseRecord.Side.LEFT, left_id)),
                right=records.get((ExerciseRecord.Side.RIGHT, right_id)),
                score=pair[2] if len(pair) > 2 else None,
            )
        )
    return rows
