from django import template

from common.listing import first_rows
from projects import selectors

register = template.Library()


@register.inclusion_tag("projects/panels/officer_project.html")
def officer_project_panel(user):
    rows = selectors.officer_projects(user)
    return {"user": user, "row": rows[0] if rows else None}


# Home pages show the first few lines of a list and link to the whole list.
HOME_LIST_LIMIT = 10


@register.inclusion_tag("projects/panels/mentor_projects.html")
def mentor_projects_panel(user):
    projects = selectors.mentor_projects(user, limit=HOME_LIST_LIMIT)
    awaiting = selectors.logs_awaiting_comment_first(user, limit=HOME_LIST_LIMIT)
    return {
        "user": user,
        "rows": projects.rows,
        "rows_total": projects.total,
        "awaiting": awaiting.rows,
        "awaiting_total": awaiting.total,
    }


@register.inclusion_tag("projects/panels/staff_projects.html")
def staff_projects_panel():
    overview = selectors.running_cohorts_overview(limit=HOME_LIST_LIMIT)
    return {"cohorts": overview.rows, "cohorts_total": overview.total}


@register.inclusion_tag("projects/panels/staff_ig_queue.html")
def staff_ig_queue_panel(user, limit: int = 10):
    """Checks this member of staff may confirm, oldest first; the full list is on its own page."""
    first = first_rows(selectors.ig_checks_waiting(user), limit)
    return {"checks": first.rows, "more": first.more, "total": first.total}
