"""The beat sweep of chat calls and presence: calls that rang unanswered end as missed, parties
and users whose web process died leave their calls and go offline (also done by every live
socket's heartbeat; this covers the time when no socket is open anywhere)."""

from celery import shared_task

from . import call_services, services


@shared_task(acks_late=True)
def calls_and_presence_sweep_task() -> dict:
    return {"offline": services.presence_sweep(), "calls_ended": call_services.calls_sweep()}
