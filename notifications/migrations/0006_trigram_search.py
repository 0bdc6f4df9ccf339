from django.db import migrations

from common.trigram import TrigramIndexes


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_outbox_indexes")]

    operations = [TrigramIndexes(("notifications_message", "to_email"))]
