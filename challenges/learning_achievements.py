"""Achievements of the learning parts, counted from progress_record_event's ledger by event type.
The migration 0005 loads them; `learning_achievements_sync` does the same at any time (tests)."""

import json
from pathlib import Path

ACHIEVEMENTS_FILE = Path(__file__).resolve().parent.parent / "accounts" / "data" / "achievements.json"


LEARNING_CODES = ("playlist-finisher", "playlist-scholar", "first-review", "mentor")
# One catalog: the entries live in accounts/data/achievements.json with every other achievement.
LEARNING_ACHIEVEMENTS = [entry for entry in json.loads(ACHIEVEMENTS_FILE.read_text(encoding="utf-8"))
                         if entry["code"] in LEARNING_CODES]


def learning_achievements_sync(achievement_model=None) -> int:
    if achievement_model is None:
        from accounts.models import Achievement as achievement_model
    for entry in LEARNING_ACHIEVEMENTS:
        achievement_model.objects.update_or_create(
            code=entry["code"], defaults={k: v for k, v in entry.items() if k != "code"})
    return len(LEARNING_ACHIEVEMENTS)
