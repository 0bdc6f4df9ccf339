from django import template

from cohorts import selectors
from cohorts.models import Enrolment

register = template.Library()


@register.inclusion_tag("cohorts/panels/officer_cohort.html")
def officer_cohort_panel(user):
    enrolment = selectors.current_enrolment(user)
    placed = enrolment is not None and enrolment.status in (Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED)
    sessions = selectors.sessions_for_enrolment(enrolment) if placed else []
    open_count = selectors.cohorts_open_for_applications().exclude(enrolments__officer=user).count()
    return {"enrolment": enrolment, "sessions": sessions, "open_count": open_count}


@register.inclusion_tag("cohorts/panels/staff_cohorts.html")
def staff_cohorts_panel():
    cohorts = [cohort for cohort in selectors.cohort_list() if cohort.status != "finished"]
    return {"cohorts": cohorts}
