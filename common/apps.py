from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _track_changes(sender, using="default", **kwargs):
    from .changes import install

    install(using)


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Shared pieces"

    def ready(self):
        # After every migrate (and every test database flush): new tables are tracked too.
        post_migrate.connect(_track_changes, sender=self, dispatch_uid="common.track_changes")
