from django import template

from mentoring import selectors
from mentoring.models import MentorAllocation

register = template.Library()


@register.inclusion_tag("mentoring/panels/officer_sessions.html")
def officer_sessions_panel(user):
    return {"user": user, "upcoming": list(selectors.upcoming_bookings(user)[:5])}


@register.inclusion_tag("mentoring/panels/mentor_home.html")
def mentor_home_panel(user):
    mentees = selectors.mentees_of(user)
    return {
        "user": user,
        "upcoming": list(selectors.upcoming_bookings(user)[:10]),
        "mentees": mentees,
        "quiet": [allocation for allocation in mentees if allocation.is_quiet],
    }


@register.inclusion_tag("mentoring/panels/mentee_exercises.html")
def mentee_exercises_panel(user):
    """The mentor's mentees' practice exercise scores (rendered by exercises' own panel)."""
    return {"officer_ids": list(MentorAllocation.objects.filter(mentor=user).values_list("officer_id", flat=True))}
