"""Organisation moves to accounts and graduation, the trainer pathway and cascade sessions to trainers.
Only the migration state changes: every table, row and constraint stays as it was."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_organisation_moves_here"),
        ("cohorts", "0005_graduation_trainer_pathway_cascade"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table stays where it is: only Django's idea of which app owns it changes.
            state_operations=[
                migrations.RemoveField(
                    model_name="graduation",
                    name="enrolment",
                ),
                migrations.RemoveField(
                    model_name="graduation",
                    name="recorded_by",
                ),
                migrations.AlterField(
                    model_name="enrolment",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enrolments",
                        to="accounts.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="organisationplaces",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.organisation"
                    ),
                ),
                migrations.RemoveField(
                    model_name="trainerstep",
                    name="graduate",
                ),
                migrations.RemoveField(
                    model_name="trainerstep",
                    name="recorded_by",
                ),
                migrations.DeleteModel(
                    name="CascadeSession",
                ),
                migrations.DeleteModel(
                    name="Graduation",
                ),
                migrations.DeleteModel(
                    name="Organisation",
                ),
                migrations.DeleteModel(
                    name="TrainerStep",
                ),
            ],
        ),
    ]
