"""Celery application. Tasks run eagerly in-process unless REDIS_URL names a broker."""

import os

from celery import Celery, Task
from django.db.utils import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# The database went away (a restart, a failover, a network cut): worth trying again.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class PrepForgeTask(Task):
    """Every task is retried when the database is unreachable, instead of failing with its work
    half-done: tasks take ids, re-fetch and check the state first, so running again is safe.
    Back-off 1, 2, 4, 8 s, then every 10 s at most (jittered), for about two minutes; after
    that the recovery sweeps find the work from the database."""

    autoretry_for = DATABASE_UNAVAILABLE
    retry_backoff = 1
    retry_backoff_max = 10
    max_retries = 14


app = Celery("prepforge", task_cls=PrepForgeTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
