"""The recovery sweeps' one step: hand work the queue lost back to the workers. Each app's sweep
(Celery beat) chooses what is lost from its own state; this re-queues it once per sweep."""

from functools import partial

from django.db import transaction


def requeue_lost(queryset, task, *, now, limit: int) -> int:
    """Queue `task(id)` again, after commit, for the first `limit` rows of `queryset`, and mark
    them (`updated_at = now`) so that the next sweep waits a full period before trying again."""
    ids = list(queryset.order_by("id").values_list("id", flat=True)[:limit])
    if ids:
        queryset.model.objects.filter(id__in=ids).update(updated_at=now)
        for object_id in ids:
            transaction.on_commit(partial(task.delay, object_id), robust=True)
    return len(ids)
