"""Shared set-up of the learning tests: a playlist over the Sum Two challenge, judging helpers."""

from challenges import services
from challenges.playlist_services import playlist_upsert

from .conftest import SUM_SOURCE

READING = "Read the two numbers from one line and add them. " * 5


def playlist_data(**overrides) -> dict:
    data = {
        "slug": "warm-ups", "title": "Warm-ups", "summary": "Two lessons to start.", "category": "Fundamentals",
        "difficulty": "easy", "description": "Start **here**. <script>alert(1)</script>",
        "lessons": [
            {"title": "Adding numbers", "kind": "reading", "body": READING},
            {"title": "Sum Two", "kind": "challenge", "challenge": "sum-two"},
        ],
    }
    data.update(overrides)
    return data


def make_playlist(**overrides):
    playlist, _ = playlist_upsert(data=playlist_data(**overrides))
    return playlist


def judge(user, challenge, source=SUM_SOURCE, language="python"):
    submission = services.submission_create(user=user, challenge=challenge, language=language, source=source)
    services.submission_judge(submission_id=submission.id)
    submission.refresh_from_db()
    return submission
