from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from mentoring.constraints import AddConstraintOnPostgreSQL, booking_exclusion_constraints


class Migration(migrations.Migration):
    """No overlapping active bookings per mentor or per officer: PostgreSQL only (CreateExtension is a
    no-op on other databases, and so is AddConstraintOnPostgreSQL)."""

    dependencies = [("mentoring", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        *[AddConstraintOnPostgreSQL(model_name="booking", constraint=c) for c in booking_exclusion_constraints()],
    ]
