from channels.db import database_sync_to_async

from .consumers import AuthenticatedJsonConsumer, CloseCode
from .exceptions import NotFound
from .media_selectors import media_get_for_user
from .media_services import media_event, media_group


class MediaConsumer(AuthenticatedJsonConsumer):
    """`/ws/media/<id>/` (the owner only): `media.state` on connect (where the job is now, so a
    reconnect misses nothing), then a `media.status` at every stage until ready or failed."""

    async def connect(self):
        self.asset_id = int(self.scope["url_route"]["kwargs"]["asset_id"])
        await super().connect()

    async def groups_for_user(self):
        try:
            await database_sync_to_async(media_get_for_user)(user=self.user, asset_id=self.asset_id)
        except NotFound:
            self.forbidden = True
            return []
        return [media_group(self.asset_id)]

    async def on_connected(self):
        if getattr(self, "forbidden", False):
            await self.close(code=CloseCode.FORBIDDEN)
            return
        await self.send_json({**await self.state(), "type": "media.state"})

    @database_sync_to_async
    def state(self):
        return media_event(media_get_for_user(user=self.user, asset_id=self.asset_id))
