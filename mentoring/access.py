"""What mentoring lets mentors see in apps below it."""

from django.db.models import Q

from exercises.access import register_exercise_viewer_rule


def _lead_mentor_sees_mentees(user) -> Q | None:
    return Q(officer__lead_mentor__mentor=user) if user.is_mentor else None


def register_exercise_viewers() -> None:
    register_exercise_viewer_rule(name="lead_mentor", rule=_lead_mentor_sees_mentees)
