"""Linkage quality from counts, step 1: the counts an officer measured, the confirmation state and who
reviewed them. The typed precision and recall are kept, renamed `reported_*` and optional (a measured
run has none). Step 2 (0007) marks the runs recorded before counts existed as self-reported."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _share(label):
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[
            django.core.validators.MinValueValidator(Decimal("0")),
            django.core.validators.MaxValueValidator(Decimal("1")),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_progresslog_latest_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="linkagerun", name="run_precision_0_to_1"),
        migrations.RemoveConstraint(model_name="linkagerun", name="run_recall_0_to_1"),
        migrations.RenameField(model_name="linkagerun", old_name="precision", new_name="reported_precision"),
        migrations.RenameField(model_name="linkagerun", old_name="recall", new_name="reported_recall"),
        migrations.AlterField(
            model_name="linkagerun", name="reported_precision", field=_share("self-reported precision")
        ),
        migrations.AlterField(model_name="linkagerun", name="reported_recall", field=_share("self-reported recall")),
        migrations.AlterField(
            model_name="linkagerun",
            name="sample_size",
            field=models.PositiveIntegerField(verbose_name="pairs reviewed in the clerical review sample"),
        ),
        migrations.AddField(
            model_name="linkagerun",
            name="sample_true_matches",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="true matches in the review sample"),
        ),
        migrations.AddField(
            model_name="linkagerun",
            name="truth_set_size",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="matches in the truth set"),
        ),
        migrations.AddField(
            model_name="linkagerun",
            name="truth_set_found",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="truth-set matches the run found"),
        ),
        migrations.AddField(
            model_name="linkagerun",
            name="quality",
            field=models.CharField(
                choices=[
                    ("self_reported", "Self-reported figures"),
                    ("waiting", "Measured, waiting for confirmation"),
                    ("confirmed", "Measured and confirmed"),
                    ("rejected", "Measured, counts rejected"),
                ],
                db_index=True,
                default="waiting",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="linkagerun",
            name="reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="linkagerun", name="reviewed_by_label", field=models.CharField(blank=True, max_length=400)
        ),
        migrations.AddField(
            model_name="linkagerun", name="reviewed_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(model_name="linkagerun", name="review_note", field=models.TextField(blank=True)),
    ]
