from django.db import migrations

from common.trigram import TrigramIndexes


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_user_sessions_and_second_factor_throttle")]

    operations = [TrigramIndexes(("accounts_user", "full_name"), ("accounts_user", "email"))]
