"""Fill the daily aggregates for past days (after a deploy, or where beat has not run, as under
`make run`): `manage.py analytics_backfill --days 365`. Idempotent, like the hourly beat run."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from analytics import services


class Command(BaseCommand):
    help = "Aggregate the last N finished days (UTC dates; each user's own day boundaries)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options):
        today = timezone.now().date()
        written = sum(services.daily_activity_aggregate(day=today - timedelta(days=back))
                      for back in range(max(1, min(days, 3660)), 0, -1))
        self.stdout.write(self.style.SUCCESS(f"{written} daily row(s) written for the last {days} day(s)."))
