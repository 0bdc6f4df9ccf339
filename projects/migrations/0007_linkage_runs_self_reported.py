"""Linkage quality from counts, step 2: every run recorded before counts existed had its precision and
recall typed in, unchecked. They are kept exactly as typed but marked self-reported, so no page shows
them as measured and nothing counts them as measured (a separate migration so the data step runs
against the models of 0006, as the test suite's reference-data reload expects). Then the database
holds the rules for measured runs. Idempotent: a run that has review counts is never touched."""

from django.db import migrations, models
from django.db.models.functions import Cast


def typed_runs_are_self_reported(apps, schema_editor):
    LinkageRun = apps.get_model("projects", "LinkageRun")
    LinkageRun.objects.filter(sample_true_matches__isnull=True).exclude(quality="self_reported").update(
        quality="self_reported"
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_linkage_run_counts")]

    operations = [
        migrations.RunPython(typed_runs_are_self_reported, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="linkagerun",
            constraint=models.CheckConstraint(
                condition=models.Q(reported_precision__isnull=True)
                | models.Q(reported_precision__gte=0, reported_precision__lte=1),
                name="run_reported_precision_0_to_1",
            ),
        ),
        migrations.AddConstraint(
            model_name="linkagerun",
            constraint=models.CheckConstraint(
                condition=models.Q(reported_recall__isnull=True)
                | models.Q(reported_recall__gte=0, reported_recall__lte=1),
                name="run_reported_recall_0_to_1",
            ),
        ),
        migrations.AddConstraint(
            model_name="linkagerun",
            constraint=models.CheckConstraint(
                condition=models.Q(quality="self_reported")
                | models.Q(
                    sample_true_matches__isnull=False,
                    sample_true_matches__lte=models.F("sample_size"),
                    sample_size__lte=models.F("matches_accepted"),
                    candidate_pairs__lte=Cast("records_left", models.BigIntegerField())
                    * Cast("records_right", models.BigIntegerField()),
                    reported_precision__isnull=True,
                    reported_recall__isnull=True,
                ),
                name="run_measured_counts_possible",
            ),
        ),
        migrations.AddConstraint(
            model_name="linkagerun",
            constraint=models.CheckConstraint(
                condition=models.Q(truth_set_size__isnull=True, truth_set_found__isnull=True)
                | (
                    models.Q(truth_set_size__gte=1, truth_set_found__lte=models.F("truth_set_size"))
                    & models.Q(truth_set_found__lte=models.F("matches_accepted"))
                ),
                name="run_truth_set_counts_possible",
            ),
        ),
        migrations.AddConstraint(
            model_name="linkagerun",
            constraint=models.CheckConstraint(
                condition=models.Q(quality__in=["confirmed", "rejected"], reviewed_at__isnull=False)
                | models.Q(quality__in=["self_reported", "waiting"], reviewed_at__isnull=True),
                name="run_review_has_a_time",
            ),
        ),
    ]
