"""How programme staff find applications to a cohort: by officer, organisation, status, the line
manager's answer and the date applied."""

import django_filters

from accounts.models import Organisation
from common.listing import Column, DateFromFilter, DateToFilter, ListFilterSet, SearchFilter

from .models import Enrolment

APPLICATION_COLUMNS = [
    Column("officer", "Officer", ("officer__full_name",)),
    Column("organisation", "Organisation", ("organisation__name", "officer__full_name")),
    Column("manager", "Line manager", ("manager_decision", "officer__full_name")),
    Column("status", "Status", ("status", "waitlist_position", "officer__full_name")),
    Column("applied", "Applied", ("created_at",)),
    Column("score", "Mean score", ("mean_score", "officer__full_name"), numeric=True),
]


class ApplicationFilter(ListFilterSet):
    q = SearchFilter(label="Officer’s name or email", fields=("officer__full_name", "officer__email"))
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
        empty_label="Any organisation",
    )
    status = django_filters.ChoiceFilter(label="Status", choices=Enrolment.Status.choices, empty_label="Any status")
    manager_decision = django_filters.ChoiceFilter(
        label="Line manager", choices=Enrolment.ManagerDecision.choices, empty_label="Any answer"
    )
    applied_from = DateFromFilter(label="Applied on or after", field_name="created_at", on_datetime=True)
    applied_to = DateToFilter(label="Applied on or before", field_name="created_at", on_datetime=True)

    class Meta(ListFilterSet.Meta):
        model = Enrolment
