from django.db import migrations

NAME = "Data matching (12 weeks)"
TOPICS = [
    "Python and pandas basics",
    "Working with council data: formats, quality and information governance",
    "Data cleaning and standardisation: names, dates and addresses",
    "Deterministic matching on exact and derived keys",
    "Fuzzy string comparison: edit distance, Jaro-Winkler and phonetic codes",
    "Blocking: making comparisons tractable",
    "Probabilistic linkage: the Fellegi-Sunter model",
    "Probabilistic linkage in practice with Splink",
    "Evaluating match quality: clerical review, precision and recall",
    "Address matching and the UPRN",
    "Presenting findings to decision makers",
    "Showcase and next steps: teaching colleagues",
]


def load(apps, schema_editor):
    CurriculumTemplate = apps.get_model("cohorts", "CurriculumTemplate")
    CurriculumTopic = apps.get_model("cohorts", "CurriculumTopic")
    template, _ = CurriculumTemplate.objects.get_or_create(
        name=NAME, defaults={"description": "The bootcamp's standard data-matching curriculum."}
    )
    for week_number, topic in enumerate(TOPICS, start=1):
        CurriculumTopic.objects.update_or_create(template=template, week_number=week_number, defaults={"topic": topic})


def unload(apps, schema_editor):
    apps.get_model("cohorts", "CurriculumTemplate").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0002_london_authorities")]

    operations = [migrations.RunPython(load, unload)]
