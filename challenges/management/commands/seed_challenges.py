from django.core.management.base import BaseCommand

from challenges.catalog import catalog_load


class Command(BaseCommand):
    help = "Create or update the challenges in challenges/seed/*.toml (idempotent)."

    def handle(self, *args, **options):
        count = catalog_load()
        self.stdout.write(self.style.SUCCESS(f"{count} challenges in place."))
