from django import template

from common.listing import first_rows
from mentoring import selectors
from mentoring.models import MentorAllocation

register = template.Library()


@register.inclusion_tag("mentoring/panels/officer_sessions.html")
def officer_sessions_panel(user):
    return {"user": user, "upcoming": list(selectors.upcoming_bookings(user)[:5])}


# Home pages show the first few lines of a list and link to the whole list.
HOME_LIST_LIMIT = 10


@register.inclusion_tag("mentoring/panels/mentor_home.html")
def mentor_home_panel(user):
    """The mentor's next sessions, the first 10 of their mentees and of those without a recent
    session, with how many there are in all (the mentees page lists every one)."""
    mentees = selectors.mentees_of(user)
    first = first_rows(mentees, HOME_LIST_LIMIT)
    quiet = first_rows(selectors.quiet_mentees(mentees), HOME_LIST_LIMIT)
    return {
        "user": user,
        "upcoming": list(selectors.upcoming_bookings(user)[:10]),
        "mentees": first.rows,
        "mentees_total": first.total,
        "quiet": quiet.rows,
        "quiet_more": quiet.total - len(quiet.rows),
    }


@register.inclusion_tag("mentoring/panels/mentee_exercises.html")
def mentee_exercises_panel(user):
    """The mentor's mentees' practice exercise scores (rendered by exercises' own panel)."""
    return {"officer_ids": list(MentorAllocation.objects.filter(mentor=user).values_list("officer_id", flat=True))}
