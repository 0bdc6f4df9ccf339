"""How programme staff find cascade sessions: by graduate, organisation, verification, format and date."""

import django_filters

from accounts.models import Organisation
from common.listing import Column, DateFromFilter, DateToFilter, ListFilterSet, SearchFilter

from .models import CascadeSession

# Waiting for verification first by default (the staff's job on this page), newest first.
CASCADE_COLUMNS = [
    Column("date", "Date", ("delivered_on", "pk")),
    Column("graduate", "Graduate", ("graduate__full_name", "-delivered_on", "-pk")),
    Column("topic", "Topic", ("topic", "-pk")),
    Column("format", "Format"),
    Column("minutes", "Minutes", ("length_minutes", "-pk"), numeric=True),
    Column("colleagues", "Colleagues", ("colleagues_reached", "-pk"), numeric=True),
    Column("attendees", "Attendees"),
    Column("verified", "Verified", ("verified_at", "-delivered_on", "-pk")),
]
VERIFIED_CHOICES = [("no", "Waiting for verification"), ("yes", "Verified")]


class CascadeSessionFilter(ListFilterSet):
    q = SearchFilter(
        label="Graduate name or email, or topic", fields=("graduate__full_name", "graduate__email", "topic")
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
        empty_label="Any organisation",
    )
    verified = django_filters.ChoiceFilter(
        label="Verification", choices=VERIFIED_CHOICES, empty_label="Any", method="by_verified"
    )
    format = django_filters.ChoiceFilter(
        label="Format", choices=CascadeSession.Format.choices, empty_label="Any format"
    )
    delivered_from = DateFromFilter(label="Delivered on or after", field_name="delivered_on")
    delivered_to = DateToFilter(label="Delivered on or before", field_name="delivered_on")

    class Meta(ListFilterSet.Meta):
        model = CascadeSession

    def by_verified(self, queryset, name, value):
        if value not in {"yes", "no"}:
            return queryset
        return queryset.filter(verified_at__isnull=value == "no")
