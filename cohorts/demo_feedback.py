"""Demo feedback on training sessions: most officers who attended a held session answered its form.
The pilot's most recent session is still open for feedback and has only two answers, so the demo
shows both the form (to officer@example.org) and the rule that fewer than three answers show
nothing. Deterministic and safe to run again."""

import random
from datetime import timedelta

from django.utils import timezone

from .models import FEEDBACK_OPEN_DAYS, Attendance, Cohort, SessionFeedback

WENT_WELL = [
    "The worked examples on our own kind of data.",
    "Pairing with someone from another borough.",
    "Clear slides and time to try things.",
    "The trainer answered every question.",
    "Seeing a real linkage from start to finish.",
    "",
]
TO_CHANGE = [
    "A little more time for the exercises.",
    "Share the notebook before the session.",
    "The afternoon felt rushed.",
    "More on how to explain results to managers.",
    "",
    "",
]
HELD_BACK = "officer@example.org"  # leaves the pilot's latest form open for the demo officer


def seed(cohorts: list[Cohort]) -> int:
    now = timezone.now()
    made = 0
    for cohort in cohorts:
        rng = random.Random(cohort.slug)  # noqa: S311 - demo data, not security
        marks = list(
            Attendance.objects.filter(
                session__cohort=cohort,
                session__is_cancelled=False,
                session__ends_at__lte=now,
                mark__in=[Attendance.Mark.PRESENT, Attendance.Mark.LATE],
            )
            .select_related("session", "enrolment__officer")
            .order_by("session__starts_at", "enrolment__officer__email")
        )
        latest = max((mark.session.ends_at for mark in marks), default=None)
        recent_answers = 0
        for mark in marks:
            session, officer = mark.session, mark.enrolment.officer
            still_open = now - session.ends_at < timedelta(days=FEEDBACK_OPEN_DAYS)
            if still_open and session.ends_at == latest:
                if officer.email == HELD_BACK or recent_answers >= 2:
                    continue
                recent_answers += 1
            elif rng.random() > 0.8:  # about one in five never answers
                continue
            base = 3 + (session.week_number % 3 == 0)
            _, created = SessionFeedback.objects.get_or_create(
                session=session,
                officer=officer,
                defaults={
                    "pace": min(5, max(1, base + rng.choice([-1, 0, 0, 1]))),
                    "clarity": min(5, max(1, base + rng.choice([0, 0, 1]))),
                    "usefulness": min(5, max(1, base + rng.choice([0, 1, 1]))),
                    "went_well": rng.choice(WENT_WELL),
                    "to_change": rng.choice(TO_CHANGE),
                    "submitted_at": session.ends_at + timedelta(hours=rng.randint(1, 96)),
                },
            )
            made += created
    return made
