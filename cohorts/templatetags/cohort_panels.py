from django import template
from django.utils import timezone

from cohorts import selectors

register = template.Library()


@register.inclusion_tag("cohorts/panels/officer_cohort.html")
def officer_cohort_panel(user):
    enrolment = selectors.current_enrolment(user)
    sessions = selectors.sessions_for_enrolment(enrolment) if enrolment else []
    now = timezone.now()
    upcoming = [session for session in sessions if session.ends_at >= now and not session.is_cancelled][:3]
    return {"enrolment": enrolment, "upcoming": upcoming}


@register.inclusion_tag("cohorts/panels/staff_cohorts.html")
def staff_cohorts_panel():
    cohorts = [cohort for cohort in selectors.cohort_list() if cohort.status != "finished"]
    return {"cohorts": cohorts}
