"""Demo availability for peer mock interviews: each demo user offers weekly slots in their own
time zone (through the services, so the rules hold), so that `make run` shows open slots. Safe
to run again: a user who already has weekly slots is left alone."""

from datetime import time

from django.core.management.base import BaseCommand

from accounts.models import User
from core.exceptions import ApplicationError
from interviews.models import WeeklyAvailability
from interviews.peer import services

DEMO_AVAILABILITY = {
    # username: [(weekday, HH, MM, topics, level, languages)]
    "grace": [(1, 18, 0, ["algorithms", "data_structures"], "senior", ["cpp", "go"]),
              (3, 18, 0, ["system_design"], "senior", ["go"])],
    "linus": [(0, 19, 30, ["algorithms", "data_structures"], "mid", ["python", "javascript"]),
              (5, 10, 0, ["frontend", "behavioral"], "mid", ["javascript", "typescript"])],
    "margaret": [(2, 12, 0, ["system_design", "backend"], "senior", ["java", "python"]),
                 (4, 16, 0, ["behavioral"], "junior", ["english"])],
}


class Command(BaseCommand):
    help = "Seed weekly peer-interview availability for the demo users (after seed_demo)."

    def handle(self, *args, **options):
        made = 0
        for username, offers in DEMO_AVAILABILITY.items():
            user = User.objects.filter(username=username).first()
            if user is None or WeeklyAvailability.objects.filter(owner=user, is_active=True).exists():
                continue
            for weekday, hour, minute, topics, level, languages in offers:
                try:
                    _, slots = services.weekly_offer(user=user, weekday=weekday, start=time(hour, minute), minutes=60,
                                                     topics=topics, level=level, languages=languages)
                except ApplicationError as error:
                    self.stderr.write(f"  {username}: {error.message}")
                    continue
                made += len(slots)
        self.stdout.write(self.style.SUCCESS(f"Peer interviews: {made} open slot(s) seeded."))
