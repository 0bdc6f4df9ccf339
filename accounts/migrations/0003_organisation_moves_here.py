"""Organisation moves from cohorts to accounts (the bottom layer), keeping its table cohorts_organisation."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table stays where it is: only Django's idea of which app owns it changes.
            state_operations=[
                migrations.CreateModel(
                    name="Organisation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200, unique=True)),
                        ("slug", models.SlugField(max_length=200, unique=True)),
                        (
                            "gss_code",
                            models.CharField(blank=True, max_length=9, null=True, unique=True, verbose_name="GSS code"),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("borough", "London borough"),
                                    ("city", "City of London"),
                                    ("regional", "Greater London Authority"),
                                    ("partner", "Partner organisation"),
                                ],
                                max_length=20,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cohorts_organisation",
                        "ordering": ["name"],
                    },
                ),
                migrations.AlterField(
                    model_name="user",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="people",
                        to="accounts.organisation",
                    ),
                ),
            ],
        ),
    ]
