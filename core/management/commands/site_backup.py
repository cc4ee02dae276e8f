"""`manage.py site_backup FILE.tar.gz`: the database and every stored file, in one archive."""

from django.core.management.base import BaseCommand

from core.backups import site_backup


class Command(BaseCommand):
    help = "Back up the database and the stored files (public and private) into one .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        summary = site_backup(path=options["file"])
        self.stdout.write(f"{summary.path}: {summary.objects} rows, {summary.files} files ({summary.bytes} bytes)")
