"""The change log and its triggers (common/changes.py), PostgreSQL only. After this, every migrate
also runs changes.install() (post_migrate), so tables added later are tracked as well."""

from django.db import migrations


def install(apps, schema_editor):
    from common import changes

    changes.install(schema_editor.connection.alias)


def uninstall(apps, schema_editor):
    from common import changes

    changes.uninstall(schema_editor.connection.alias)


class Migration(migrations.Migration):
    initial = True
    # No dependencies: tables that do not exist yet when this runs are given triggers after migrate.
    dependencies: list = []
    operations = [migrations.RunPython(install, uninstall)]
