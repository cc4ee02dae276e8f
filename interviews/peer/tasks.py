"""Celery beat tasks of peer mock interviews: ids and clocks in, services do the work; each is
safe to run twice (every step claims its row first)."""

from celery import shared_task

from . import services


@shared_task
def peer_tick() -> dict:
    """Every minute: reminders due, rooms whose start has come, roles to swap at half time,
    interviews to complete."""
    return {"reminders": services.reminders_send(), "rooms": services.rooms_open_due(),
            "swapped": services.rooms_swap_due(), "completed": services.bookings_complete_due()}


@shared_task
def peer_weekly_extend() -> int:
    return services.weekly_extend()
