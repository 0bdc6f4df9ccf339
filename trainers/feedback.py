"""Officers' feedback on training sessions, in aggregate. No page shows who said what: figures and
comments appear only where FEEDBACK_MIN_RESPONSES or more officers answered, and comments are
shown in alphabetical order, not the order they came in, so they cannot be matched to a register."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, QuerySet

from cohorts.models import FEEDBACK_MIN_RESPONSES, Attendance, Cohort, SessionFeedback, TrainingSession

RATING_LABELS = {"pace": "Pace", "clarity": "Clarity", "usefulness": "Usefulness"}
ATTENDED = Q(attendances__mark__in=[Attendance.Mark.PRESENT, Attendance.Mark.LATE])


def _averages(prefix: str = "") -> dict:
    return {f"mean_{name}": Avg(f"{prefix}{name}") for name in RATING_LABELS}


@dataclass
class FeedbackSummary:
    responses: int
    means: dict[str, float | None]
    distribution: dict[str, list[int]] = field(default_factory=dict)  # rating -> count of 1s..5s
    went_well: list[str] = field(default_factory=list)
    to_change: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.responses >= FEEDBACK_MIN_RESPONSES

    @property
    def rows(self) -> list[tuple[str, float | None, list[int]]]:
        return [(label, self.means[name], self.distribution.get(name, [])) for name, label in RATING_LABELS.items()]


def sessions_with_feedback(cohort: Cohort) -> QuerySet[TrainingSession]:
    """The cohort's held sessions with `responses`, `attended` and the mean of each rating (one query;
    the means are blanked in presentation where fewer than FEEDBACK_MIN_RESPONSES answered)."""
    return (
        TrainingSession.objects.filter(cohort=cohort, is_cancelled=False)
        .annotate(
            responses=Count("feedback", distinct=True),
            attended=Count("attendances", filter=ATTENDED, distinct=True),
            **{f"mean_{name}": Avg(f"feedback__{name}") for name in RATING_LABELS},
        )
        .order_by("week_number")
    )


def session_summary(session: TrainingSession) -> FeedbackSummary:
    """One session's figures; the comments and distribution only when enough answered (two queries)."""
    rows = list(SessionFeedback.objects.filter(session=session).values(*RATING_LABELS, "went_well", "to_change"))
    summary = FeedbackSummary(responses=len(rows), means=dict.fromkeys(RATING_LABELS))
    if not summary.shown:
        return summary
    for name in RATING_LABELS:
        values = [row[name] for row in rows]
        summary.means[name] = sum(values) / len(values)
        summary.distribution[name] = [values.count(score) for score in range(1, 6)]
    summary.went_well = sorted(row["went_well"] for row in rows if row["went_well"])
    summary.to_change = sorted(row["to_change"] for row in rows if row["to_change"])
    return summary


@dataclass
class TopicFeedback:
    topic: str
    sessions: int
    responses: int
    means: dict[str, float | None]

    @property
    def shown(self) -> bool:
        return self.responses >= FEEDBACK_MIN_RESPONSES


def feedback_by_topic() -> list[TopicFeedback]:
    """Every curriculum topic taught (a session's topic, copied from its curriculum), across cohorts.
    One query."""
    rows = (
        SessionFeedback.objects.exclude(session__topic="")
        .values("session__topic")
        .annotate(sessions=Count("session", distinct=True), responses=Count("pk"), **_averages())
        .order_by("session__topic")
    )
    return [
        TopicFeedback(
            topic=row["session__topic"],
            sessions=row["sessions"],
            responses=row["responses"],
            means={name: row[f"mean_{name}"] for name in RATING_LABELS},
        )
        for row in rows
    ]


def cohorts_with_feedback() -> QuerySet[Cohort]:
    return Cohort.objects.filter(sessions__feedback__isnull=False).distinct().order_by("-start_date")
