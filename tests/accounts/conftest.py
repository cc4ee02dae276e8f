import asyncio

import pytest
from channels.layers import get_channel_layer

from core.realtime import user_group


class GroupListener:
    """A channel subscribed to a user's group, to see what real-time events a service sent."""

    def __init__(self, group):
        # One loop for every receive: channels_redis binds a channel's buffer to the loop that
        # first read it.
        self.loop = asyncio.new_event_loop()
        self.layer = get_channel_layer()
        self.group = group
        self.channel = self.loop.run_until_complete(self.layer.new_channel())
        self.loop.run_until_complete(self.layer.group_add(group, self.channel))

    def events(self, timeout=0.3):
        async def drain():
            got = []
            while True:
                try:
                    message = await asyncio.wait_for(self.layer.receive(self.channel), timeout)
                except TimeoutError:
                    return got
                got.append(message["event"])

        return self.loop.run_until_complete(drain())

    def close(self):
        self.loop.run_until_complete(self.layer.group_discard(self.group, self.channel))
        self.loop.close()


@pytest.fixture
def listen():
    listeners = []

    def make(user):
        listener = GroupListener(user_group(user.id))
        listeners.append(listener)
        return listener

    yield make
    for listener in listeners:
        listener.close()


@pytest.fixture(autouse=True)
def _noon_by_default(monkeypatch):
    """Time-of-day achievements (night owl, early bird) depend on the clock: unless a test
    passes an explicit time, events happen at noon in the user's time zone."""
    from accounts.services import progression

    real = progression._local_time

    def pinned(user, when=None):
        if when is not None:
            return real(user, when)
        local = real(user)
        return local.replace(hour=12, minute=0)

    monkeypatch.setattr(progression, "_local_time", pinned)
