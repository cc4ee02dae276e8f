from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ValidationFailed
from interviews.services import questions_seed


class Command(BaseCommand):
    help = "Create or update the interview questions in interviews/seed/questions/*.toml (idempotent by slug)."

    def handle(self, *args, **options):
        try:
            counts = questions_seed()
        except ValidationFailed as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(
            f"Interview questions: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged."))
