"""Exercises' parts of the Monday digest, registered from ExercisesConfig.ready(): an officer's scores
of last week, and for staff each exercise's submissions last week. Mentors' view of their mentees'
scores is registered by mentoring (it knows who mentors whom). A fixed number of queries each."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Max, Q
from django.urls import reverse

from cohorts.services import LONDON
from notifications.registry import DigestBlock, DigestItem, DigestWeek, register_digest_section

from . import presenters
from .models import Exercise, Submission


def last_week(week: DigestWeek) -> tuple[datetime, datetime]:
    monday = datetime.combine(week.monday, time(0), tzinfo=LONDON)
    return monday - timedelta(days=7), monday


def result_line(submission: Submission) -> str:
    m = presenters.measures(submission)
    return f"{submission.exercise.title}: F1 {m.f1} (precision {m.precision}, recall {m.recall})"


def officer_exercise_scores(officers: list, week: DigestWeek) -> dict[int, list[DigestBlock]]:
    start, end = last_week(week)
    blocks: dict[int, list[DigestBlock]] = {}
    submissions = (
        Submission.objects.scored()
        .filter(officer__in=officers, uploaded_at__gte=start, uploaded_at__lt=end)
        .select_related("exercise")
        .defer("pairs_csv")
        .order_by("officer_id", "uploaded_at")
    )
    items: dict[int, list[DigestItem]] = {}
    for submission in submissions:
        items.setdefault(submission.officer_id, []).append(
            DigestItem(
                text=result_line(submission),
                url=reverse("exercises:submission_detail", kwargs={"pk": submission.pk}),
            )
        )
    for officer_id, lines in items.items():
        blocks[officer_id] = [DigestBlock(title="Your practice exercise scores last week", items=lines)]
    return blocks


def staff_exercise_activity(staff: list, week: DigestWeek) -> dict[int, list[DigestBlock]]:
    start, end = last_week(week)
    week_filter = Q(submissions__uploaded_at__gte=start, submissions__uploaded_at__lt=end)
    exercises = (
        Exercise.objects.filter(is_published=True)
        .annotate(
            uploads=Count("submissions", filter=week_filter),
            officers=Count("submissions__officer", filter=week_filter, distinct=True),
            latest=Max("submissions__uploaded_at"),
        )
        .filter(uploads__gt=0)
        .select_related("cohort")
        .order_by("cohort__start_date", "title")
    )
    items = [
        DigestItem(
            text=f"{exercise.cohort.name}, {exercise.title}: {exercise.uploads} submission"
            f"{'s' if exercise.uploads != 1 else ''} from {exercise.officers} "
            f"officer{'s' if exercise.officers != 1 else ''}",
            url=reverse("exercises:exercise_detail", kwargs={"slug": exercise.slug}),
        )
        for exercise in exercises
    ]
    if not items:
        return {}
    block = DigestBlock(title="Practice exercises last week", items=items)
    return {user.pk: [block] for user in staff}


register_digest_section(name="officer_exercise_scores", role="officer", build=officer_exercise_scores, order=60)
register_digest_section(name="staff_exercise_activity", role="programme_staff", build=staff_exercise_activity, order=60)
