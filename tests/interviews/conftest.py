import pytest

from interviews.services import questions_seed
from tests.media.recordings import recordings  # noqa: F401 (the session fixture: real recordings for spoken answers)


@pytest.fixture
def bank(db):
    """The seed questions of interviews/seed/questions/ in the database."""
    questions_seed()


@pytest.fixture
def staff(make_user):
    return make_user(is_staff=True)
