"""Panels the trainers app lends to other apps' pages (home pages, the cohort page)."""

from django import template

from trainers import assessments, selectors

register = template.Library()


@register.inclusion_tag("trainers/panels/graduate.html")
def graduate_panel(user):
    """Shown to officers who have graduated: their certificate and the colleagues they have reached."""
    graduations = list(selectors.graduations_of(user))
    reach = selectors.graduate_reach(user) if graduations else None
    return {"graduations": graduations, "reach": reach}


@register.inclusion_tag("trainers/panels/graduation.html")
def graduation_panel(cohort):
    """The cohort page's graduation section: every officer against the graduation criteria."""
    return {
        "cohort": cohort,
        "graduation": selectors.graduation_checks(cohort),
        "graduation_attendance": selectors.GRADUATION_ATTENDANCE,
    }


@register.inclusion_tag("trainers/panels/self_assessment.html")
def self_assessment_panel(user):
    """Shown to officers whose skills questionnaire is open and unanswered."""
    return {"due": assessments.assessments_due(user)}
