from django import template

from cohorts.models import Enrolment

register = template.Library()


@register.inclusion_tag("mentoring/panels/officer_sessions.html")
def officer_sessions_panel(user):
    return {"user": user}


@register.inclusion_tag("mentoring/panels/mentor_home.html")
def mentor_home_panel(user):
    # Until mentors are allocated to officers, a mentor sees the officers selected on running cohorts.
    mentees = (
        Enrolment.objects.filter(status=Enrolment.Status.SELECTED, cohort__status="running")
        .select_related("officer", "organisation", "cohort")
        .order_by("officer__full_name")
    )
    return {"user": user, "mentees": mentees}
