from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_role_permissions(sender, **kwargs):
    # migrate (and a test's flush) sends post_migrate once per app with models, each after its own
    # permissions are made: the last app's is the one that sees them all, so sync once, there.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if with_models and sender is with_models[-1]:
        from .roles import role_permissions_sync

        role_permissions_sync()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        post_migrate.connect(_sync_role_permissions, dispatch_uid="core.role_permissions_sync")
        # The audit log hears allauth, auth and admin operations; Celery tasks carry the log
        # context of whoever queued them (web process and worker alike).
        from . import audit_receivers, metrics, request_context  # noqa: F401
