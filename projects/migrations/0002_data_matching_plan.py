from django.db import migrations

# (title, due week, needs information-governance approval) for the standard 12-week cohort.
PLAN = [
    ("Scope agreed", 2, False),
    ("Data access approved", 3, True),
    ("Data profiled and cleaned", 5, False),
    ("Blocking and comparison designed", 7, False),
    ("Linkage run", 9, False),
    ("Match quality evaluated on a clerical sample", 10, False),
    ("Findings presented at the showcase", 12, False),
]


def load(apps, schema_editor):
    MilestoneTemplate = apps.get_model("projects", "MilestoneTemplate")
    for order, (title, due_week, needs_ig_approval) in enumerate(PLAN, start=1):
        MilestoneTemplate.objects.update_or_create(
            cohort=None,
            title=title,
            defaults={"due_week": due_week, "order": order, "needs_ig_approval": needs_ig_approval},
        )


def unload(apps, schema_editor):
    apps.get_model("projects", "MilestoneTemplate").objects.filter(cohort=None).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
