"""Reading a submitted pairs file and scoring it against an exercise's true pairs.

The upload, the Celery task and `manage.py score_pairs` all call `read_pairs` and `score_pairs`, so a
file scores the same wherever it is scored. Both work on whole columns with pandas (set membership,
a merge, a cumulative sum), never a Python loop per pair: 100,000 pairs against 5,000 true pairs
score in well under a second (benchmarks/exercises.py).
"""

import csv
import io
import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from common.csvfile import csv_dict_reader

MAX_ROWS = 100_000  # a file with more pairs than this is refused (no real linkage of these files needs more)
MAX_ERRORS_SHOWN = 20
SAMPLE_SIZE = 10
CURVE_POINTS = 60
REQUIRED = ["left_id", "right_id"]
OPTIONAL = ["score"]
EXTRA = "_cells_past_the_header"


@dataclass(frozen=True)
class RowError:
    row: int | None  # the spreadsheet row (the header is row 1); None for a problem with the whole file
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}" if self.row else self.message


class PairsFileError(Exception):
    """The file cannot be scored. `errors` says why, row by row; `more` counts errors not listed."""

    def __init__(self, errors: list[RowError], more: int = 0):
        self.errors = errors
        self.more = more
        super().__init__("; ".join(str(error) for error in errors))


@dataclass
class Pairs:
    frame: pd.DataFrame  # left_id, right_id (str) and, when has_scores, score (float)
    has_scores: bool
    swapped: int = 0  # rows whose two ids were the other way round (fixed silently)

    def __len__(self) -> int:
        return len(self.frame)


@dataclass
class Score:
    tp: int
    fp: int
    fn: int
    has_scores: bool = False
    # (threshold, pairs accepted at or above it, true pairs among them), highest threshold first
    curve: list[tuple[float, int, int]] = field(default_factory=list)
    false_positives: list[tuple[str, str, float | None]] = field(default_factory=list)
    false_negatives: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return precision(self.tp, self.fp)

    @property
    def recall(self) -> float | None:
        return recall(self.tp, self.fn)

    @property
    def f1(self) -> float:
        return f1(self.tp, self.fp, self.fn)

    @property
    def best(self) -> tuple[float, int, int] | None:
        """The curve's point with the highest F1 (the highest threshold among equals)."""
        if not self.curve:
            return None
        true_total = self.tp + self.fn
        return max(self.curve, key=lambda point: (f1(point[2], point[1] - point[2], true_total - point[2]), point[0]))

    def as_json(self) -> dict:
        data = {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": _rounded(self.precision),
            "recall": _rounded(self.recall),
            "f1": _rounded(self.f1),
        }
        best = self.best
        if best is not None:
            threshold, accepted, true_accepted = best
            data["best_threshold"] = threshold
            data["best_f1"] = _rounded(f1(true_accepted, accepted - true_accepted, self.tp + self.fn - true_accepted))
        return data


def precision(tp: int, fp: int) -> float | None:
    """Undefined (None) when nothing was submitted."""
    return tp / (tp + fp) if tp + fp else None


def recall(tp: int, fn: int) -> float | None:
    return tp / (tp + fn) if tp + fn else None


def f1(tp: int, fp: int, fn: int) -> float:
    """2TP / (2TP + FP + FN): the harmonic mean of precision and recall, and 0 when either is 0 or undefined."""
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PairsFileError(
            [RowError(None, "The file is saved as UTF-16: save it as “CSV UTF-8” and upload it again")]
        )
    try:
        return content.decode("utf-8-sig")  # a UTF-8 byte order mark (as Excel writes) is dropped
    except UnicodeDecodeError as exc:
        raise PairsFileError([RowError(None, "The file must be a CSV saved as UTF-8")]) from exc


def _fail(messages: pd.Series, rows: pd.Series | pd.Index) -> None:
    """Raises the first MAX_ERRORS_SHOWN row errors, if there are any."""
    if len(messages):
        errors = [
            RowError(int(row), message)
            for row, message in zip(rows[:MAX_ERRORS_SHOWN], messages[:MAX_ERRORS_SHOWN], strict=True)
        ]
        raise PairsFileError(errors, more=max(0, len(messages) - MAX_ERRORS_SHOWN))


def read_pairs(content: bytes | str, *, left_ids: pd.Index, right_ids: pd.Index) -> Pairs:
    """The pairs in a submitted CSV (`left_id,right_id[,score]`), checked against the exercise's ids.

    Refused with row errors: not UTF-8, wrong columns, more than MAX_ROWS rows, rows with too many
    or too few cells, blank or unknown ids, a score that is not a number, and a pair that appears
    twice. A row whose left id is a right-file id and right id a left-file id is turned round.
    """
    text = _decode(content)
    reader = csv_dict_reader(text)
    try:
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise PairsFileError([RowError(1, f"the file cannot be read as CSV ({exc})")]) from exc
    if header not in (REQUIRED, REQUIRED + OPTIONAL):
        found = ",".join(header) if header else "nothing"
        raise PairsFileError(
            [RowError(1, f"the columns must be left_id,right_id or left_id,right_id,score (found {found})")]
        )
    reader.fieldnames = header
    reader.restkey = EXTRA
    try:
        records = list(itertools.islice(reader, MAX_ROWS + 1))
    except csv.Error as exc:
        raise PairsFileError([RowError(None, f"The file cannot be read as CSV ({exc})")]) from exc
    if len(records) > MAX_ROWS:
        raise PairsFileError([RowError(None, f"The file has more than {MAX_ROWS:,} rows of pairs")])
    has_scores = header == REQUIRED + OPTIONAL
    frame = pd.DataFrame.from_records(records, columns=[*header, EXTRA]) if records else pd.DataFrame(columns=header)
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # spreadsheet row numbers
    if EXTRA in frame.columns:
        extra = frame[EXTRA].notna()
        short = frame[header].isna().any(axis=1)
        _fail(pd.Series("has more cells than the header", index=frame.index[extra]), frame.index[extra])
        _fail(pd.Series("has fewer cells than the header", index=frame.index[short]), frame.index[short])
        frame = frame.drop(columns=[EXTRA])
    for name in header:
        frame[name] = frame[name].astype(str).str.strip()

    problems: list[pd.Series] = []
    for name in REQUIRED:
        blank = frame[name] == ""
        problems.append(pd.Series(f"{name} is blank", index=frame.index[blank]))
    known = (frame["left_id"].isin(left_ids)) & (frame["right_id"].isin(right_ids))
    swapped = ~known & frame["left_id"].isin(right_ids) & frame["right_id"].isin(left_ids)
    if swapped.any():
        frame.loc[swapped, ["left_id", "right_id"]] = frame.loc[swapped, ["right_id", "left_id"]].to_numpy()
    nonblank = (frame["left_id"] != "") & (frame["right_id"] != "")
    unknown_left = nonblank & ~frame["left_id"].isin(left_ids)
    unknown_right = nonblank & ~frame["right_id"].isin(right_ids)
    problems.append("left_id " + frame.loc[unknown_left, "left_id"] + " is not in the left file")
    problems.append("right_id " + frame.loc[unknown_right, "right_id"] + " is not in the right file")
    if has_scores:
        scores = pd.to_numeric(frame["score"], errors="coerce")
        bad = scores.isna() | ~np.isfinite(scores.fillna(0))
        problems.append("score " + frame.loc[bad, "score"].replace("", "(blank)") + " is not a number")
        frame["score"] = scores
    repeated = frame.duplicated(subset=REQUIRED, keep="first") & nonblank
    if repeated.any():
        first_row = frame.reset_index().drop_duplicates(subset=REQUIRED).set_index(REQUIRED)["index"]
        firsts = frame.loc[repeated].join(first_row, on=REQUIRED)["index"]
        problems.append("repeats the pair on row " + firsts.astype(str))
    messages = pd.concat([p for p in problems if len(p)]).sort_index(kind="stable") if any(map(len, problems)) else []
    if len(messages):
        _fail(pd.Series(messages.to_numpy()), messages.index)
    return Pairs(frame=frame.reset_index(drop=True), has_scores=has_scores, swapped=int(swapped.sum()))


def truth_frame(true_pairs) -> pd.DataFrame:
    """The true pairs as a frame, from any iterable of (left_id, right_id)."""
    return pd.DataFrame.from_records(list(true_pairs), columns=REQUIRED)


def _curve(marked: pd.DataFrame, true_total: int) -> list[tuple[float, int, int]]:
    ordered = marked.sort_values("score", ascending=False, kind="stable")
    accepted = np.arange(1, len(ordered) + 1)
    true_accepted = ordered["is_true"].to_numpy().cumsum()
    scores = ordered["score"].to_numpy()
    # one point per distinct score: the last pair of each run of equal scores
    last = np.r_[scores[1:] != scores[:-1], True] if len(scores) else np.array([], dtype=bool)
    thresholds, accepted, true_accepted = scores[last], accepted[last], true_accepted[last]
    f1s = 2 * true_accepted / (accepted + true_total)
    keep = set(np.linspace(0, len(thresholds) - 1, min(CURVE_POINTS, len(thresholds))).round().astype(int).tolist())
    if len(thresholds):
        keep.add(int(np.argmax(f1s)))  # the first (highest-threshold) of the best points
    return [
        (round(float(thresholds[i]), 6), int(accepted[i]), int(true_accepted[i]))
        for i in sorted(keep)
        if math.isfinite(thresholds[i])
    ]


def score_pairs(pairs: Pairs, truth: pd.DataFrame, *, sample_seed: int = 0) -> Score:
    """True and false positives and false negatives of `pairs` against `truth`; with scores, the
    precision-recall curve over every threshold. A pair given twice counts once (with its higher score)."""
    frame = pairs.frame
    if pairs.has_scores:
        frame = frame.sort_values("score", ascending=False, kind="stable")
    frame = frame.drop_duplicates(subset=REQUIRED)
    truth = truth.drop_duplicates(subset=REQUIRED)
    marked = frame.merge(truth.assign(is_true=True), on=REQUIRED, how="left")
    marked["is_true"] = marked["is_true"].fillna(False).astype(bool)
    tp = int(marked["is_true"].sum())
    fp = len(marked) - tp
    found = truth.merge(frame[REQUIRED], on=REQUIRED, how="left", indicator=True)
    missed = found[found["_merge"] == "left_only"][REQUIRED]
    fn = len(missed)

    wrong = marked[~marked["is_true"]]
    if pairs.has_scores:
        wrong_sample = wrong.sort_values("score", ascending=False, kind="stable").head(SAMPLE_SIZE)
        false_positives = [(a, b, float(s)) for a, b, s in wrong_sample[[*REQUIRED, "score"]].itertuples(index=False)]
    else:
        wrong_sample = wrong.sample(n=min(SAMPLE_SIZE, len(wrong)), random_state=sample_seed).sort_values(REQUIRED)
        false_positives = [(a, b, None) for a, b in wrong_sample[REQUIRED].itertuples(index=False)]
    missed_sample = missed.sample(n=min(SAMPLE_SIZE, len(missed)), random_state=sample_seed).sort_values(REQUIRED)
    return Score(
        tp=tp,
        fp=fp,
        fn=fn,
        has_scores=pairs.has_scores,
        curve=_curve(marked, len(truth)) if pairs.has_scores else [],
        false_positives=false_positives,
        false_negatives=[(a, b) for a, b in missed_sample.itertuples(index=False)],
    )


def read_and_score(content: bytes | str, *, left_ids, right_ids, true_pairs, sample_seed: int = 0) -> Score:
    """What an upload, the Celery task and `score_pairs` run: read the file, then score it."""
    pairs = read_pairs(content, left_ids=pd.Index(left_ids), right_ids=pd.Index(right_ids))
    return score_pairs(pairs, truth_frame(true_pairs), sample_seed=sample_seed)


def pairs_text(pairs: Pairs) -> str:
    """The checked pairs as a plain CSV, as stored with a submission for the worker to score."""
    out = io.StringIO()
    pairs.frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()
