import time

from django.core.management.base import BaseCommand

from challenges.catalog import catalog_load
from challenges.playlist_seed import playlists_load


class Command(BaseCommand):
    help = ("Create or update the challenges in challenges/seed/*.toml (idempotent). Generated tests get "
            "their expected output from the reference solution, run through the judge, unless the "
            "database already holds it for the same input and reference.")

    def handle(self, *args, **options):
        started = time.monotonic()
        count = catalog_load()
        self.stdout.write(self.style.SUCCESS(
            f"{count} challenges in place ({time.monotonic() - started:.1f} s)."))
        playlists = playlists_load()
        self.stdout.write(self.style.SUCCESS(f"{playlists} learning playlists in place."))
