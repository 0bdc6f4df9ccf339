"""How people find mentoring sessions: upcoming or past, by mentor or officer, status,
organisation and date."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation
from common.listing import Column, DateFromFilter, DateToFilter, ListFilterSet, SearchFilter

from .models import Booking

WHEN_CHOICES = [("upcoming", "Upcoming sessions"), ("past", "Past and cancelled sessions"), ("all", "All sessions")]
BOOKING_COLUMNS = [
    Column("when", "When", ("starts_at",)),
    Column("mentor", "Mentor", ("mentor__full_name", "starts_at")),
    Column("officer", "Officer", ("officer__full_name", "starts_at")),
    Column("status", "Status", ("status", "starts_at")),
]


def upcoming() -> Q:
    return Q(ends_at__gt=timezone.now(), status__in=Booking.ACTIVE_STATUSES)


def when_chosen(params) -> str:
    """Upcoming sessions unless the person chose otherwise (also when the choice is not one we offer)."""
    value = params.get("when", "")
    return value if value in dict(WHEN_CHOICES) else "upcoming"


class BookingFilter(ListFilterSet):
    when = django_filters.ChoiceFilter(label="Show", choices=WHEN_CHOICES, empty_label=None, method="by_when")
    q = SearchFilter(label="Mentor’s or officer’s name", fields=("mentor__full_name", "officer__full_name"))
    status = django_filters.ChoiceFilter(label="Status", choices=Booking.Status.choices, empty_label="Any status")
    organisation = django_filters.ModelChoiceFilter(
        label="Officer’s organisation",
        field_name="officer__organisation",
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
        empty_label="Any organisation",
    )
    starts_from = DateFromFilter(label="On or after", field_name="starts_at", on_datetime=True)
    starts_to = DateToFilter(label="On or before", field_name="starts_at", on_datetime=True)

    not_filters = ("when",)  # choosing past sessions is not narrowing the list

    class Meta(ListFilterSet.Meta):
        model = Booking

    def by_when(self, queryset, name, value):
        return queryset  # applied in filter_queryset, so that "upcoming" holds when nothing is chosen

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        when = when_chosen(self.data)
        if when == "upcoming":
            return queryset.filter(upcoming())
        if when == "past":
            return queryset.exclude(upcoming())
        return queryset
