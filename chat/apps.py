from django.apps import AppConfig


class ChatConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chat"
    verbose_name = "Messenger"

    def ready(self):
        # Celery's autodiscovery looks for tasks.py only; the bots' tasks have a module of their own.
        from core.media_services import media_listen

        from . import bot_tasks  # noqa: F401
        from .attachment_services import PURPOSE, attachment_media_finished

        # The media job tells the chat when an attachment is ready or failed (core knows no app).
        media_listen(PURPOSE, attachment_media_finished)
