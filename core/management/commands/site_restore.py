"""`manage.py site_restore FILE.tar.gz`: into a freshly migrated, empty database."""

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupRefused, site_restore


class Command(BaseCommand):
    help = "Restore a site_backup archive into a freshly migrated, empty database (run migrate first)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            summary = site_restore(path=options["file"])
        except BackupRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(f"Restored {summary.objects} rows and {summary.files} files from {summary.path}.")
