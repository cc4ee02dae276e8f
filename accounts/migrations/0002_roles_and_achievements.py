"""Create the role groups and load the achievement catalogue from accounts/data/achievements.json."""

import json
from pathlib import Path

from django.db import migrations

ACHIEVEMENTS_FILE = Path(__file__).resolve().parent.parent / "data" / "achievements.json"


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Achievement = apps.get_model("accounts", "Achievement")
    for name in ("moderator", "admin"):
        Group.objects.get_or_create(name=name)
    for order, entry in enumerate(json.loads(ACHIEVEMENTS_FILE.read_text(encoding="utf-8"))):
        defaults = {k: v for k, v in entry.items() if k != "code"}
        defaults.setdefault("sort_order", order)
        Achievement.objects.update_or_create(code=entry["code"], defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
