from django.db import migrations, models

import notifications.models


def fill_message_ids(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    batch = []
    for message in Message.objects.filter(internet_message_id="").only("pk").iterator(chunk_size=2000):
        message.internet_message_id = notifications.models.internet_message_id_make()
        batch.append(message)
        if len(batch) >= 2000:
            Message.objects.bulk_update(batch, ["internet_message_id"])
            batch = []
    if batch:
        Message.objects.bulk_update(batch, ["internet_message_id"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_outbox_schedule_and_preferences")]

    operations = [
        # Added empty, filled one by one (a callable default would give every old row the same id).
        migrations.AddField(
            model_name="message",
            name="internet_message_id",
            field=models.CharField(default="", max_length=255),
            preserve_default=False,
        ),
        migrations.RunPython(fill_message_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="message",
            name="internet_message_id",
            field=models.CharField(default=notifications.models.internet_message_id_make, max_length=255),
        ),
        migrations.AddField(
            model_name="message",
            name="delivery_unknown",
            field=models.BooleanField(default=False),
        ),
    ]
