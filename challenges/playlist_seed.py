"""The committed learning playlists (challenges/seed/playlists/*.toml), loaded by seed_challenges
after the challenges they use."""

import tomllib
from pathlib import Path

from .models import Challenge
from .playlist_services import playlist_upsert

PLAYLIST_SEED_DIR = Path(__file__).resolve().parent / "seed" / "playlists"


def playlists_load(directory: Path = PLAYLIST_SEED_DIR) -> int:
    """Create or update each playlist (idempotent). A playlist whose challenges are not all in
    the database is skipped rather than half made."""
    count = 0
    known = set(Challenge.objects.values_list("slug", flat=True))
    for path in sorted(directory.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if any(lesson.get("challenge") not in known for lesson in data["lessons"] if lesson["kind"] == "challenge"):
            continue
        playlist_upsert(data=data)
        count += 1
    return count
