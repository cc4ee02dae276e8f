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


@pytest.fixture(autouse=True)
def fresh_presence_leases(monkeypatch, settings):
    """Presence leases live outside the database (process memory, or Redis): each test starts
    with nobody online, whatever the one before left."""
    from chat import presence_leases

    monkeypatch.setattr(presence_leases, "_memory_store", presence_leases.MemoryLeaseStore())
    if settings.REDIS_URL:
        client = presence_leases.lease_store(settings.REDIS_URL).redis  # type: ignore[attr-defined]
        keys = list(client.scan_iter("chat:presence:*"))
        if keys:
            client.delete(*keys)


def online(user, socket_id="tab-1"):
    """`user` holds a presence lease, as an open /ws/chat/ socket does."""
    services.presence_heartbeat(user=user, socket_id=socket_id)
