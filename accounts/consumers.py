from channels.db import database_sync_to_async
from django.conf import settings

from core.consumers import AuthenticatedJsonConsumer, CloseCode
from core.query_params import parse_int
from core.realtime import user_group

from . import selectors, services


class NotificationConsumer(AuthenticatedJsonConsumer):
    """`/ws/notifications/?last_id=N`: live notifications and the unread count for the signed-in
    user. On (re)connect the client gets, oldest first, every notification newer than `last_id`
    that it missed, then the unread count. Events may repeat across a reconnect; ids let the
    client drop duplicates.

    Client messages: ping, replay {last_id}, mark_read {id}, mark_all_read."""

    async def groups_for_user(self):
        return [user_group(self.user.id)]

    async def on_connected(self):
        last_id = self.scope.get("query_string", b"").decode("latin1")
        from urllib.parse import parse_qs

        raw = parse_qs(last_id).get("last_id", [None])[0]
        if raw is not None:
            since = parse_int(raw)
            if since is None:
                await self.close(code=CloseCode.BAD_MESSAGE)
                return
            await self.replay(since)
        await self.send_json({"type": "notification.unread_count",
                              "unread_count": await self.unread_count()})

    def client_handlers(self):
        return {
            **super().client_handlers(),
            "replay": self.handle_replay,
            "mark_read": self.handle_mark_read,
            "mark_all_read": self.handle_mark_all_read,
        }

    async def replay(self, last_id: int):
        missed = await self.missed_since(last_id)
        for payload in missed:
            await self.send_json({"type": "notification.created", "notification": payload,
                                  "replayed": True})

    async def handle_replay(self, message):
        last_id = message.get("last_id")
        if not isinstance(last_id, int) or last_id < 0:
            await self.close(code=CloseCode.BAD_MESSAGE)
            return
        await self.replay(last_id)
        await self.send_json({"type": "notification.unread_count",
                              "unread_count": await self.unread_count()})

    async def handle_mark_read(self, message):
        notification_id = message.get("id")
        if not isinstance(notification_id, int):
            await self.close(code=CloseCode.BAD_MESSAGE)
            return
        ok = await self.mark_read(notification_id)
        if not ok:
            await self.send_json({"type": "error", "code": "not_found", "message": "No such notification."})

    async def handle_mark_all_read(self, message):
        await database_sync_to_async(services.notifications_mark_all_read)(user=self.user)

    @database_sync_to_async
    def missed_since(self, last_id):
        return [
            services.notification_to_dict(n)
            for n in selectors.notifications_after(
                user_id=self.user.id, last_id=last_id, limit=settings.NOTIFICATION_REPLAY_LIMIT
            )
        ]

    @database_sync_to_async
    def unread_count(self):
        return selectors.notification_unread_count(user_id=self.user.id)

    @database_sync_to_async
    def mark_read(self, notification_id):
        from core.exceptions import NotFound

        try:
            services.notification_mark_read(user=self.user, notification_id=notification_id)
        except NotFound:
            return False
        return True
