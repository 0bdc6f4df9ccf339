"""Graduation, TrainerStep and CascadeSession, moved from cohorts with their tables (db_table) and rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = {"graduation": "trainers", "trainerstep": "trainers", "cascadesession": "trainers", "organisation": "accounts"}


def content_types_follow(apps, schema_editor):
    """Permissions and admin history point at content types: move them with their models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        if not ContentType.objects.filter(app_label=app_label, model=model).exists():
            ContentType.objects.filter(app_label="cohorts", model=model).update(app_label=app_label)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0003_organisation_moves_here"),
        ("cohorts", "0006_organisation_and_trainers_move_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table stays where it is: only Django's idea of which app owns it changes.
            state_operations=[
                migrations.CreateModel(
                    name="Graduation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("graduated_on", models.DateField()),
                        ("showcase_presented", models.BooleanField(default=False)),
                        ("verification_token", models.CharField(max_length=64, unique=True)),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "enrolment",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="graduation",
                                to="cohorts.enrolment",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cohorts_graduation",
                        "ordering": ["-graduated_on", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="CascadeSession",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("delivered_on", models.DateField(verbose_name="date")),
                        ("topic", models.CharField(max_length=200)),
                        (
                            "format",
                            models.CharField(
                                choices=[
                                    ("workshop", "Workshop"),
                                    ("pairing", "Pairing"),
                                    ("lunch_and_learn", "Lunch and learn"),
                                    ("other", "Other"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("length_minutes", models.PositiveSmallIntegerField(verbose_name="length in minutes")),
                        ("colleagues_reached", models.PositiveSmallIntegerField()),
                        ("attendee_emails", models.JSONField(blank=True, default=list)),
                        ("verified_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "graduate",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cascade_sessions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cascade_sessions",
                                to="accounts.organisation",
                            ),
                        ),
                        (
                            "verified_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cohorts_cascadesession",
                        "ordering": ["-delivered_on", "-pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("colleagues_reached__gte", 1)), name="cascade_reaches_someone"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("length_minutes__gte", 1), ("length_minutes__lte", 600)),
                                name="cascade_length_1_to_600",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TrainerStep",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("co_facilitator", "Co-facilitator"), ("trainer", "Trainer")], max_length=20
                            ),
                        ),
                        ("happened_on", models.DateField()),
                        (
                            "note",
                            models.CharField(
                                help_text="For example: co-facilitated week 3 of the autumn cohort", max_length=300
                            ),
                        ),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "graduate",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="trainer_steps",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cohorts_trainerstep",
                        "ordering": ["happened_on", "pk"],
                        "constraints": [
                            models.UniqueConstraint(fields=("graduate", "kind"), name="one_trainer_step_of_each_kind")
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, migrations.RunPython.noop),
    ]
