"""Panels the trainers app lends to other apps' pages (home pages, the cohort page)."""

from django import template

from trainers import assessments, selectors

register = template.Library()


@register.inclusion_tag("trainers/panels/graduate.html")
def graduate_panel(user):
    """Shown first to officers who have graduated: the cascade sessions they run, where they are on
    the trainer pathway, and their certificate. The finished 12-week schedule is no longer news."""
    graduations = list(selectors.graduations_of(user))
    if not graduations:
        return {"graduations": []}
    steps = selectors.trainer_steps_of(user)
    return {
        "graduations": graduations,
        "reach": selectors.graduate_reach(user),
        "recent_sessions": list(selectors.cascade_sessions_of(user)[:3]),
        "steps": steps,
        "stage": selectors.trainer_stage(steps),
    }


@register.inclusion_tag("trainers/panels/graduation.html")
def graduation_panel(cohort, attendance=None):
    """The cohort page's graduation section: every officer against the graduation criteria (with the
    page's own attendance rows, when it passes them, so they are worked out once)."""
    return {
        "cohort": cohort,
        "graduation": selectors.graduation_checks(cohort, attendance),
        "graduation_attendance": selectors.GRADUATION_ATTENDANCE,
    }


@register.inclusion_tag("trainers/panels/self_assessment.html")
def self_assessment_panel(user):
    """Shown to officers whose skills questionnaire is open and unanswered."""
    return {"due": assessments.assessments_due(user)}
