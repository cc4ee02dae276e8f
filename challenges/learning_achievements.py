"""Achievements of the learning parts, counted from progress_record_event's ledger by event type.
The migration 0005 loads them; `learning_achievements_sync` does the same at any time (tests)."""

LEARNING_ACHIEVEMENTS = [
    {"code": "playlist-finisher", "name": "Course Complete", "description": "Complete a learning playlist.",
     "icon": "🎓", "category": "learning", "criteria_type": "count", "event_type": "playlist.completed",
     "target": 1, "reward_xp": 30, "rarity": "uncommon", "sort_order": 200},
    {"code": "playlist-scholar", "name": "Scholar", "description": "Complete three learning playlists.",
     "icon": "📚", "category": "learning", "criteria_type": "count", "event_type": "playlist.completed",
     "target": 3, "reward_xp": 100, "rarity": "rare", "sort_order": 201},
    {"code": "first-review", "name": "Critic", "description": "Review a challenge you attempted.",
     "icon": "⭐", "category": "community", "criteria_type": "count", "event_type": "challenge.reviewed",
     "target": 1, "reward_xp": 10, "rarity": "common", "sort_order": 202},
    {"code": "mentor", "name": "Mentor", "description": "Score someone's code in a code review.",
     "icon": "🧑‍🏫", "category": "community", "criteria_type": "count", "event_type": "code_review.given",
     "target": 1, "reward_xp": 20, "rarity": "uncommon", "sort_order": 203},
]


def learning_achievements_sync(achievement_model=None) -> int:
    if achievement_model is None:
        from accounts.models import Achievement as achievement_model
    for entry in LEARNING_ACHIEVEMENTS:
        achievement_model.objects.update_or_create(
            code=entry["code"], defaults={k: v for k, v in entry.items() if k != "code"})
    return len(LEARNING_ACHIEVEMENTS)
