from django.db import migrations
from django.utils.text import slugify

# The 34 London authorities with their ONS GSS codes (32 boroughs, the City of London, the GLA),
# copied from shared/data/london-authorities.csv, plus the programme's partner organisations.
LONDON_AUTHORITIES = [
    ("E09000001", "City of London", "city"),
    ("E09000002", "Barking and Dagenham", "borough"),
    ("E09000003", "Barnet", "borough"),
    ("E09000004", "Bexley", "borough"),
    ("E09000005", "Brent", "borough"),
    ("E09000006", "Bromley", "borough"),
    ("E09000007", "Camden", "borough"),
    ("E09000008", "Croydon", "borough"),
    ("E09000009", "Ealing", "borough"),
    ("E09000010", "Enfield", "borough"),
    ("E09000011", "Greenwich", "borough"),
    ("E09000012", "Hackney", "borough"),
    ("E09000013", "Hammersmith and Fulham", "borough"),
    ("E09000014", "Haringey", "borough"),
    ("E09000015", "Harrow", "borough"),
    ("E09000016", "Havering", "borough"),
    ("E09000017", "Hillingdon", "borough"),
    ("E09000018", "Hounslow", "borough"),
    ("E09000019", "Islington", "borough"),
    ("E09000020", "Kensington and Chelsea", "borough"),
    ("E09000021", "Kingston upon Thames", "borough"),
    ("E09000022", "Lambeth", "borough"),
    ("E09000023", "Lewisham", "borough"),
    ("E09000024", "Merton", "borough"),
    ("E09000025", "Newham", "borough"),
    ("E09000026", "Redbridge", "borough"),
    ("E09000027", "Richmond upon Thames", "borough"),
    ("E09000028", "Southwark", "borough"),
    ("E09000029", "Sutton", "borough"),
    ("E09000030", "Tower Hamlets", "borough"),
    ("E09000031", "Waltham Forest", "borough"),
    ("E09000032", "Wandsworth", "borough"),
    ("E09000033", "Westminster", "borough"),
    ("E61000001", "Greater London Authority", "regional"),
]
PARTNERS = ["ONS Data Science Campus", "London Office of Technology and Innovation"]


def load(apps, schema_editor):
    Organisation = apps.get_model("cohorts", "Organisation")
    for gss_code, name, kind in LONDON_AUTHORITIES:
        Organisation.objects.update_or_create(
            gss_code=gss_code, defaults={"name": name, "slug": slugify(name), "kind": kind}
        )
    for name in PARTNERS:
        Organisation.objects.update_or_create(name=name, defaults={"slug": slugify(name), "kind": "partner"})


def unload(apps, schema_editor):
    Organisation = apps.get_model("cohorts", "Organisation")
    Organisation.objects.filter(gss_code__in=[row[0] for row in LONDON_AUTHORITIES]).delete()
    Organisation.objects.filter(name__in=PARTNERS).delete()


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
