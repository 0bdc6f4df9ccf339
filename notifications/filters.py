"""How programme staff find messages in the outbox: by kind, recipient, status and date."""

import django_filters

from common.listing import Column, DateFromFilter, DateToFilter, ListFilterSet, SearchFilter

from . import presenters, selectors
from .models import Message

OUTBOX_COLUMNS = [
    Column("subject", "Subject", ("subject",)),
    Column("to", "To", ("to_email",)),
    Column("kind", "Kind"),
    Column("status", "Status", ("status", "-created_at")),
    Column("created", "Created", ("created_at",)),
]


class OutboxFilter(ListFilterSet):
    recipient = SearchFilter(label="Recipient name or email", fields=("to_email", "recipient__full_name"))
    kind = django_filters.ChoiceFilter(label="Kind", empty_label="Any kind")
    status = django_filters.ChoiceFilter(label="Status", choices=Message.Status.choices, empty_label="Any status")
    created_from = DateFromFilter(label="Created on or after", field_name="created_at", on_datetime=True)
    created_to = DateToFilter(label="Created on or before", field_name="created_at", on_datetime=True)

    class Meta(ListFilterSet.Meta):
        model = Message

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = presenters.kind_choices(selectors.outbox_kinds())
