from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_role_permissions(sender, **kwargs):
    # Sent once per app after its permissions are made; the last one sees every model's.
    from .roles import role_permissions_sync

    role_permissions_sync()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        post_migrate.connect(_sync_role_permissions, dispatch_uid="core.role_permissions_sync")
