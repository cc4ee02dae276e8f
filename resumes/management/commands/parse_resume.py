"""Reads one resume file the way an upload is read (the limited child process) and prints what
was found: `manage.py parse_resume FILE [--json]`. `--json` prints the shape that
../shared/corpus/score_resumes.py scores; without it, a short readable summary."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resumes.content import parsed_summary
from resumes.services import ResumeRejected, resume_read


class Command(BaseCommand):
    help = "Parse a resume file (PDF, DOCX or text) and print what was found."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="one JSON object, the corpus scorer's shape")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        try:
            result = resume_read(data)
        except ResumeRejected as error:
            raise CommandError(f"{path}: {error.message}") from None
        summary = parsed_summary(result["content"], result["parsed"]["sections"])
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(f"{summary['name']} <{summary['email']}> {summary['phone']}")
        self.stdout.write(f"sections: {', '.join(summary['sections'])}")
        self.stdout.write(f"skills: {', '.join(summary['skills'])}")
        for entry in summary["experience"]:
            self.stdout.write(f"  {entry['start'] or '?':7}  {entry['title']} — {entry['company']}")
        for entry in summary["education"]:
            self.stdout.write(f"  {entry['degree']} — {entry['institution']}")
