"""The audit page's filters and columns: who acted, what they did, to which kind of object, between
which dates, through the one list mechanism (common/listing.py) every other list uses."""

import django_filters

from common.listing import Column, DateFromFilter, DateToFilter, ListFilterSet, SearchFilter

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


AUDIT_COLUMNS = [
    Column("when", "When", ("at",)),
    Column("who", "Who", ("actor_label", "-at")),
    Column("what", "What", ("action", "-at")),
    Column("record", "Record"),
    Column("change", "Change"),
]


class AuditEventFilter(ListFilterSet):
    actor = SearchFilter(label="Who (name or email address)", fields=("actor_label",))
    action = django_filters.ChoiceFilter(
        choices=sorted(((a.value, a.label) for a in Action), key=lambda c: c[1]), label="What", empty_label="Any"
    )
    object_type = django_filters.ChoiceFilter(choices=OBJECT_TYPES, label="Which kind of record", empty_label="Any")
    # Days are London days: "from 1 June" starts at midnight in London, stored times are UTC.
    since = DateFromFilter(label="Recorded on or after", field_name="at", on_datetime=True)
    until = DateToFilter(label="Recorded on or before", field_name="at", on_datetime=True)

    class Meta(ListFilterSet.Meta):
        model = AuditEvent
