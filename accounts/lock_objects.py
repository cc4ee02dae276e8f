"""Row locks, always taken in the same order: progress rows by ascending user id."""

from .models import Progress


def progress_lock(user_id: int) -> Progress:
    return Progress.objects.select_for_update().get(user_id=user_id)
