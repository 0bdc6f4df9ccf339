"""Reads of exercises and submissions, scoped to the person who asks.

An officer sees the published exercises of the cohorts they are selected for and only their own
submissions; other officers' results reach them only as the cohort leaderboard, and only while
staff leave it on. Staff see everything; other apps grant more through exercises.access (mentors
see their mentees' submissions).
"""

from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from cohorts.models import Enrolment

from .access import extra_viewer_filter
from .models import Exercise, ExerciseRecord, Submission


def _officer_cohorts(user: User):
    return Enrolment.objects.filter(officer=user, status=Enrolment.Status.SELECTED).values("cohort_id")


def exercises_visible_to(user: User) -> QuerySet[Exercise]:
    qs = Exercise.objects.select_related("cohort")
    if user.is_programme_staff:
        return qs
    if user.is_officer:
        return qs.filter(is_published=True, cohort_id__in=_officer_cohorts(user))
    if user.is_mentor:
        return qs.filter(is_published=True)
    return qs.none()


def exercise_list_for(user: User) -> QuerySet[Exercise]:
    """The exercises page: each with its number of scored submissions, and the asker's own best F1
    and number of submissions, all in one query."""
    mine = Submission.objects.filter(exercise=OuterRef("pk"), officer=user)
    best = mine.scored().with_f1().order_by("-f1_value").values("f1_value")[:1]
    return (
        exercises_visible_to(user)
        .annotate(
            scored_count=Count("submissions", filter=Q(submissions__status=Submission.Status.SCORED)),
            my_count=Coalesce(Subquery(mine.order_by().values("officer").annotate(n=Count("pk")).values("n")[:1]), 0),
            my_best_f1=Subquery(best),
        )
        .order_by("-cohort__start_date", "title")
    )


def submissions_visible_to(user: User) -> QuerySet[Submission]:
    qs = Submission.objects.select_related("exercise__cohort", "officer__organisation")
    if user.is_programme_staff:
        return qs
    allowed = Q(officer=user)
    extra = extra_viewer_filter(user)
    if extra is not None:
        allowed |= extra
    return qs.filter(allowed)


def exercise_submissions(exercise: Exercise) -> QuerySet[Submission]:
    """Every submission to an exercise (staff), newest first, with F1 worked out in SQL."""
    return (
        Submission.objects.filter(exercise=exercise)
        .select_related("officer__organisation")
        .with_f1()
        .order_by("-uploaded_at", "-pk")
    )


@dataclass
class LeaderboardRow:
    rank: int
    officer_name: str
    organisation: str
    best_f1: float
    submissions: int


def leaderboard(exercise: Exercise) -> list[LeaderboardRow]:
    """Each officer's best F1 on the exercise, best first; one query. Empty while staff have it off."""
    if not exercise.leaderboard_on:
        return []
    rows = (
        Submission.objects.filter(exercise=exercise)
        .scored()
        .with_f1()
        .values("officer", "officer__full_name", "officer__organisation__name")
        .annotate(best=Max("f1_value"), count=Count("pk"))
        .order_by("-best", "officer__full_name")
    )
    return [
        LeaderboardRow(
            rank=rank,
            officer_name=row["officer__full_name"],
            organisation=row["officer__organisation__name"] or "",
            best_f1=row["best"] or 0.0,
            submissions=row["count"],
        )
        for rank, row in enumerate(rows, start=1)
    ]


@dataclass
class OfficerResult:
    """One officer's best and latest scored submission on one exercise."""

    exercise: Exercise
    officer: User
    best: Submission
    latest: Submission
    count: int


def results_for_officers(officers, *, exercises=None) -> dict[int, list[OfficerResult]]:
    """Best and latest scored submission per exercise for each officer, keyed by officer id, in one
    query however many officers and submissions. `officers` may be users, ids or a QuerySet."""
    qs = (
        Submission.objects.scored()
        .filter(officer__in=officers)
        .with_f1()
        .select_related("exercise__cohort", "officer")
        .order_by("exercise__title", "uploaded_at", "pk")
        .defer("pairs_csv")
    )
    if exercises is not None:
        qs = qs.filter(exercise__in=exercises)
    grouped: dict[tuple[int, int], list[Submission]] = {}
    for submission in qs:
        grouped.setdefault((submission.officer_id, submission.exercise_id), []).append(submission)
    results: dict[int, list[OfficerResult]] = {}
    for (officer_id, _), submissions in grouped.items():
        best = max(submissions, key=lambda s: (s.f1_value or 0.0, s.uploaded_at))
        results.setdefault(officer_id, []).append(
            OfficerResult(
                exercise=best.exercise,
                officer=best.officer,
                best=best,
                latest=submissions[-1],
                count=len(submissions),
            )
        )
    return results


def officer_history(officer: User) -> QuerySet[Submission]:
    """All of an officer's submissions, newest first (the project page's panel)."""
    return (
        Submission.objects.filter(officer=officer)
        .select_related("exercise")
        .with_f1()
        .defer("pairs_csv")
        .order_by("-uploaded_at", "-pk")
    )


def records_for_pairs(exercise: Exercise, pairs: list[list]) -> dict[tuple[str, str], ExerciseRecord]:
    """The synthetic records named in a submission's samples, keyed by (side, record_id), in one query."""
    left = {pair[0] for pair in pairs}
    right = {pair[1] for pair in pairs}
    records = ExerciseRecord.objects.filter(exercise=exercise).filter(
        Q(side=ExerciseRecord.Side.LEFT, record_id__in=left) | Q(side=ExerciseRecord.Side.RIGHT, record_id__in=right)
    )
    return {(record.side, record.record_id): record for record in records}
