"""Four-eyes IG, step 2: the checks a project self-reported before confirmation existed wait for it
(a separate migration so that the data step runs against the models of 0003, as the test suite's
reference-data reload expects), then the database holds the rule."""

from django.db import migrations, models

# Checks set to "approved" or "not needed" before four-eyes confirmation existed were self-reported by
# the project's officers. They are kept as recorded but wait for confirmation like any new claim, and
# each gets a history row that says so. Milestones already marked done are left as they are (the
# project page flags a data-access milestone done before its checks were confirmed). Idempotent: the
# test suite re-runs data migrations after flushing tables.
CLAIMED = ["approved", "not_needed"]


def self_reported_claims_wait_for_confirmation(apps, schema_editor):
    IGCheck = apps.get_model("projects", "IGCheck")
    IGCheckEvent = apps.get_model("projects", "IGCheckEvent")
    claims = IGCheck.objects.filter(status__in=CLAIMED, confirmation="none")
    IGCheckEvent.objects.bulk_create(
        IGCheckEvent(
            ig_check_id=check.pk,
            action="migrated",
            actor_label="Data migration projects 0004_ig_self_reported_claims_wait",
            from_status=check.status,
            to_status=check.status,
            from_confirmation="none",
            to_confirmation="waiting",
            note="Recorded by the project before confirmation was required: it now needs confirming.",
        )
        for check in claims
    )
    claims.update(confirmation="waiting")


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_ig_four_eyes")]

    operations = [
        migrations.RunPython(self_reported_claims_wait_for_confirmation, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="igcheck",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("status__in", ["approved", "not_needed"]), models.Q(("confirmation", "none"), _negated=True)
                    ),
                    models.Q(
                        models.Q(("status__in", ["approved", "not_needed"]), _negated=True), ("confirmation", "none")
                    ),
                    _connector="OR",
                ),
                name="ig_claim_has_confirmation_state",
            ),
        ),
    ]
