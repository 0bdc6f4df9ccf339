"""PostgreSQL exclusion constraints: no two active bookings of one mentor, or of one officer, overlap.

They are added by a migration operation that runs only on PostgreSQL and leaves the model state alone,
so `make run` on SQLite migrates cleanly, SQLite never rebuilds them, and `full_clean()` never tries to
validate them. The booking service checks overlaps itself under row locks; these constraints are the
final word if anything slips past it."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import migrations
from django.db.models import Func, Q

ACTIVE = ["pending", "confirmed", "move_requested"]


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def booking_exclusion_constraints() -> list[ExclusionConstraint]:
    during = TsTzRange("starts_at", "ends_at", RangeBoundary())  # [starts_at, ends_at)
    return [
        ExclusionConstraint(
            name=f"booking_{person}_no_overlap",
            expressions=[(during, RangeOperators.OVERLAPS), (person, RangeOperators.EQUAL)],
            condition=Q(status__in=ACTIVE),
        )
        for person in ("mentor", "officer")
    ]


class AddConstraintOnPostgreSQL(migrations.AddConstraint):
    """AddConstraint that touches only a PostgreSQL database and never the migration state."""

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_constraint(to_state.apps.get_model(app_label, self.model_name), self.constraint)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_constraint(to_state.apps.get_model(app_label, self.model_name), self.constraint)

    def describe(self) -> str:
        return f"Create constraint {self.constraint.name} on model {self.model_name} (PostgreSQL only)"
