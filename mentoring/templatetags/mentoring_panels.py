from django import template

from mentoring import selectors
from mentoring.models import MentorAllocation

register = template.Library()


@register.inclusion_tag("mentoring/panels/officer_sessions.html")
def officer_sessions_panel(user):
    return {"user": user, "upcoming": list(selectors.upcoming_bookings(user)[:5])}


# Home pages show the first few lines of a list and link to the whole list.
HOME_LIST_LIMIT = 10


def _first(qs) -> tuple[list, int]:
    rows = list(qs[:HOME_LIST_LIMIT])
    return rows, len(rows) if len(rows) < HOME_LIST_LIMIT else qs.count()


@register.inclusion_tag("mentoring/panels/mentor_home.html")
def mentor_home_panel(user):
    """The mentor's next sessions, the first 10 of their mentees and of those without a recent
    session, with how many there are in all (the mentees page lists every one)."""
    mentees = selectors.mentees_of(user)
    rows, total = _first(mentees)
    quiet, quiet_total = _first(selectors.quiet_mentees(mentees))
    return {
        "user": user,
        "upcoming": list(selectors.upcoming_bookings(user)[:10]),
        "mentees": rows,
        "mentees_total": total,
        "quiet": quiet,
        "quiet_more": quiet_total - len(quiet),
    }


@register.inclusion_tag("mentoring/panels/mentee_exercises.html")
def mentee_exercises_panel(user):
    """The mentor's mentees' practice exercise scores (rendered by exercises' own panel)."""
    return {"officer_ids": list(MentorAllocation.objects.filter(mentor=user).values_list("officer_id", flat=True))}
