from django import template

from cohorts import selectors
from cohorts.models import Cohort, Enrolment
from cohorts.services import sessions_awaiting_feedback
from common.listing import first_rows

register = template.Library()

# Home pages show the first few lines of a list and link to the whole list.
HOME_LIST_LIMIT = 10


@register.inclusion_tag("cohorts/panels/officer_cohort.html")
def officer_cohort_panel(user):
    enrolment = selectors.current_enrolment(user)
    # A graduate's finished schedule is history: their home page leads with the trainers panel instead.
    placed = enrolment is not None and enrolment.status == Enrolment.Status.SELECTED
    sessions = selectors.sessions_for_enrolment(enrolment) if placed else []
    open_count = selectors.cohorts_open_for_applications().exclude(enrolments__officer=user).count()
    return {"enrolment": enrolment, "sessions": sessions, "open_count": open_count}


@register.inclusion_tag("cohorts/panels/staff_cohorts.html")
def staff_cohorts_panel():
    first = first_rows(selectors.cohort_list().exclude(status=Cohort.Status.FINISHED), HOME_LIST_LIMIT)
    return {"cohorts": first.rows, "cohorts_total": first.total}


@register.inclusion_tag("cohorts/panels/announcements.html", takes_context=True)
def announcement_banners(context, user):
    """Announcements sent to this person that they have not dismissed, as notification banners."""
    return {
        "announcements": selectors.announcement_banners(user),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("cohorts/panels/officer_feedback.html")
def officer_feedback_panel(user):
    """Sessions the officer attended whose feedback form is open and unanswered (one query)."""
    return {"sessions": list(sessions_awaiting_feedback(user)[:HOME_LIST_LIMIT])}
