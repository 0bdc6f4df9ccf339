from django import template

register = template.Library()


@register.inclusion_tag("projects/panels/officer_project.html")
def officer_project_panel(user):
    return {"user": user}


@register.inclusion_tag("projects/panels/mentor_projects.html")
def mentor_projects_panel(user):
    return {"user": user}
