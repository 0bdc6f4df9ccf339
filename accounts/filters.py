"""How programme staff find people: by part of a name or email, role, organisation and status."""

import django_filters

from common.listing import Column, ListFilterSet, SearchFilter

from .models import Organisation, User

ROLE_CHOICES = [("programme_staff", "Programme staff"), ("mentor", "Mentors"), ("officer", "Officers")]
ROLE_FLAGS = {"programme_staff": "is_programme_staff", "mentor": "is_mentor", "officer": "is_officer"}
STATUS_CHOICES = [("active", "Can sign in"), ("inactive", "Inactive")]

PEOPLE_COLUMNS = [
    Column("name", "Name", ("full_name", "email")),
    Column("email", "Email", ("email",)),
    Column("organisation", "Organisation", ("organisation__name", "full_name")),
    Column("roles", "Roles"),
]


class PeopleFilter(ListFilterSet):
    q = SearchFilter(fields=("full_name", "email"))
    role = django_filters.ChoiceFilter(label="Role", choices=ROLE_CHOICES, empty_label="Everyone", method="by_role")
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
        empty_label="Any organisation",
    )
    status = django_filters.ChoiceFilter(label="Status", choices=STATUS_CHOICES, empty_label="Any", method="by_status")

    class Meta(ListFilterSet.Meta):
        model = User

    def by_role(self, queryset, name, value):
        return queryset.filter(**{ROLE_FLAGS[value]: True}) if value in ROLE_FLAGS else queryset

    def by_status(self, queryset, name, value):
        return queryset.filter(is_active=value == "active") if value else queryset
