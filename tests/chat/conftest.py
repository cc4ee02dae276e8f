import pytest

from chat import services

from .attachment_inputs import attachment_inputs  # noqa: F401 (the session fixture of real files)


@pytest.fixture
def alice(make_user):
    return make_user(username="alice")


@pytest.fixture
def bob(make_user):
    return make_user(username="bob")


@pytest.fixture
def carol(make_user):
    return make_user(username="carol")


@pytest.fixture
def pair(alice, bob):
    return services.chat_private_open(user=alice, other=bob)


@pytest.fixture
def group(alice, bob, carol):
    return services.chat_create(owner=alice, kind="group", title="Study group", members=[bob, carol])
