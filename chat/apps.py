from django.apps import AppConfig


class ChatConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chat"
    verbose_name = "Messenger"

    def ready(self):
        # Celery's autodiscovery looks for tasks.py only; the bots' tasks have a module of their own.
        from . import bot_tasks  # noqa: F401
