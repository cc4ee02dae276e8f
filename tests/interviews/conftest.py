from pathlib import Path

import pytest

from interviews.services import questions_seed
from tests.media.recordings import recordings  # noqa: F401 (the session fixture: real recordings for spoken answers)

TEST_BANK = Path(__file__).resolve().parent / "questions"


@pytest.fixture
def bank(db):
    """A small bank of known questions (tests/interviews/questions/) in the database: the
    tests name its slugs. The product's own seed is checked by test_question_seed_files.py and
    the engine's strong-beats-weak test."""
    questions_seed(directory=TEST_BANK)


@pytest.fixture
def staff(make_user):
    return make_user(is_staff=True)
