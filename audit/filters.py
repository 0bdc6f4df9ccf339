"""The audit page's filters: who acted, what they did, to which kind of object, between which dates.
Kept self-contained (django-filter only) so it does not depend on any list machinery elsewhere."""

from datetime import datetime, time, timedelta

import django_filters
from django.utils import timezone

from .actions import Action
from .models import AuditEvent

OBJECT_TYPES = [
    ("accounts.user", "Person"),
    ("cohorts.cohort", "Cohort"),
    ("cohorts.enrolment", "Application or place"),
    ("cohorts.trainingsession", "Training session"),
    ("projects.project", "Project"),
    ("projects.igcheck", "IG check"),
    ("projects.milestone", "Milestone"),
    ("projects.progresslog", "Progress log"),
    ("mentoring.booking", "Mentoring booking"),
    ("trainers.graduation", "Graduation"),
    ("trainers.trainerstep", "Trainer pathway step"),
    ("trainers.cascadesession", "Cascade session"),
]
OBJECT_TYPE_LABELS = dict(OBJECT_TYPES)


def _london_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        field_name="actor_label", lookup_expr="icontains", label="Who (email address contains)"
    )
    action = django_filters.ChoiceFilter(
        choices=sorted(((a.value, a.label) for a in Action), key=lambda c: c[1]), label="What", empty_label="Any"
    )
    object_type = django_filters.ChoiceFilter(choices=OBJECT_TYPES, label="Which kind of record", empty_label="Any")
    # Days are London days: "from 1 June" starts at midnight in London, stored times are UTC.
    since = django_filters.DateFilter(method="filter_since", label="From (YYYY-MM-DD)")
    until = django_filters.DateFilter(method="filter_until", label="To (YYYY-MM-DD)")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widths = {"actor": "govuk-input govuk-input--width-20", "since": "govuk-input govuk-input--width-10"}
        widths["until"] = widths["since"]
        for name, field in self.form.fields.items():
            field.widget.attrs["class"] = widths.get(name, "govuk-select")

    def filter_since(self, queryset, name, value):
        return queryset.filter(at__gte=_london_midnight(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(at__lt=_london_midnight(value + timedelta(days=1)))
