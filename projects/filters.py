"""How programme staff find projects in a cohort: by title or lead mentor, an officer's
organisation, current status and overdue milestones. Filters and sorts on the figures
`selectors.with_figures` works out in SQL, so a page of 50 costs the same at any size."""

import django_filters

from accounts.models import Organisation
from common.listing import Column, ListFilterSet, SearchFilter

from .models import ProgressLog, Project

PROJECT_COLUMNS = [
    Column("title", "Project", ("title",)),
    Column("status", "Status", ("latest_status", "title")),
    Column("milestones", "Milestones done", ("milestones_done", "title")),
    Column("last_log", "Last log", ("latest_updated_at", "title")),
    Column("blockers", "Open blockers", ("open_blocker_count", "title"), numeric=True),
    Column("ig", "Information governance"),
]
STATUS_CHOICES = [*ProgressLog.RAG.choices, ("none", "No logs yet")]


class ProjectFilter(ListFilterSet):
    q = SearchFilter(label="Project title or lead mentor", fields=("title", "lead_mentor__full_name"))
    organisation = django_filters.ModelChoiceFilter(
        label="Officer’s organisation",
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
        empty_label="Any organisation",
        method="by_organisation",
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, empty_label="Any status", method="by_status"
    )
    overdue = django_filters.ChoiceFilter(
        label="Milestones",
        choices=[("yes", "Only projects with overdue milestones")],
        empty_label="Any",
        method="by_overdue",
    )

    class Meta(ListFilterSet.Meta):
        model = Project

    def __init__(self, *args, cohort=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cohort is not None:  # only the organisations whose officers are in the cohort
            organisations = Organisation.objects.filter(enrolments__cohort=cohort).distinct().order_by("name")
            self.filters["organisation"].queryset = organisations

    def by_organisation(self, queryset, name, value):
        if value is None:
            return queryset
        members = Project.officers.through.objects.filter(user__organisation=value)
        return queryset.filter(pk__in=members.values("project_id"))

    def by_status(self, queryset, name, value):
        if value == "none":
            return queryset.filter(latest_status__isnull=True)
        return queryset.filter(latest_status=value) if value else queryset

    def by_overdue(self, queryset, name, value):
        return queryset.filter(has_overdue=True) if value == "yes" else queryset
