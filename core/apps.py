from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        # Celery tasks carry the log context of whoever queued them (web process and worker alike).
        from . import metrics, request_context  # noqa: F401
