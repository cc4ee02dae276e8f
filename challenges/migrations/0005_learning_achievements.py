"""Achievements for the learning parts (challenges/learning_achievements.py)."""

from django.db import migrations

from challenges.learning_achievements import LEARNING_ACHIEVEMENTS, learning_achievements_sync


def forwards(apps, schema_editor):
    learning_achievements_sync(apps.get_model("accounts", "Achievement"))


def backwards(apps, schema_editor):
    apps.get_model("accounts", "Achievement").objects.filter(
        code__in=[a["code"] for a in LEARNING_ACHIEVEMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("challenges", "0004_learning_reviews_code_reviews"), ("accounts", "0002_roles_and_achievements")]
    operations = [migrations.RunPython(forwards, backwards)]
