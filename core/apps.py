from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        # The audit log hears allauth, auth and admin operations; Celery tasks carry the log context of whoever queued them (web process and worker alike).
        from . import audit_receivers, metrics, request_context  # noqa: F401
