"""Celery beat tasks of analytics: thin, idempotent (each service upserts)."""

from celery import shared_task

from . import services
from .event_log import event_totals_aggregate_recent


@shared_task(acks_late=True)
def daily_aggregates_task() -> int:
    """Hourly: finished local days of every time zone, then today's readiness points."""
    written = services.daily_activity_aggregate_recent()
    event_totals_aggregate_recent()
    services.readiness_snapshots_record_all()
    return written


@shared_task(acks_late=True)
def weekly_summaries_task() -> int:
    return services.weekly_summaries_send()


@shared_task(acks_late=True)
def data_export_build_task(export_id: int):
    from .data_export import data_export_build

    export = data_export_build(export_id=export_id)
    return None if export is None else export.status


@shared_task(acks_late=True)
def data_exports_purge_task() -> int:
    """Daily: exports older than their keeping time, rows and files."""
    from .data_export import data_exports_purge

    return data_exports_purge()
