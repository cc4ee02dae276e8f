"""`manage.py render_nginx_conf OUT --listen 8080 --upstream 127.0.0.1:8001 --upstream ...`:
deploy/nginx.conf.template with this site's values (static files, body limit) filled in."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TEMPLATE = Path(settings.BASE_DIR) / "deploy" / "nginx.conf.template"
MIME_TYPES = ("/etc/nginx/mime.types", "/usr/local/etc/nginx/mime.types", "/opt/homebrew/etc/nginx/mime.types")


class Command(BaseCommand):
    help = "Write the nginx configuration for the production-style run."

    def add_arguments(self, parser):
        parser.add_argument("out")
        parser.add_argument("--listen", default="127.0.0.1:8080")
        parser.add_argument("--upstream", action="append", required=True, help="host:port of a web process")
        parser.add_argument("--run-dir", default=str(Path(settings.VAR_DIR) / "prod"))

    def handle(self, *args, **options):
        mime = next((path for path in MIME_TYPES if Path(path).exists()), None)
        if mime is None:
            raise CommandError("nginx's mime.types was not found: install nginx (apt-get install nginx-light).")
        run_dir = Path(options["run_dir"]).resolve()
        run_dir.mkdir(parents=True, exist_ok=True)
        values = {
            "RUN_DIR": run_dir, "MIME_TYPES": mime, "ACCESS_LOG": run_dir / "nginx-access.log",
            "LISTEN": options["listen"], "MAX_BODY": settings.MAX_REQUEST_BODY_BYTES,
            "UPLOAD_BODY": settings.UPLOAD_BODY_BYTES, "MEDIA_PATHS": "|".join(settings.MEDIA_UPLOAD_PATHS),
            "STATIC_ROOT": Path(settings.STATIC_ROOT).resolve(),
            "UPSTREAMS": "\n        ".join(f"server {upstream};" for upstream in options["upstream"]),
        }
        # ${NAME} are ours; nginx's own $variables stay as they are.
        text = re.sub(r"\$\{([A-Z_]+)\}", lambda match: str(values[match.group(1)]), TEMPLATE.read_text())
        Path(options["out"]).write_text(text)
        self.stdout.write(f"nginx configuration written to {options['out']}")
