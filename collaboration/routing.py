from django.urls import re_path

from .consumers import RoomDocumentConsumer, RoomEventsConsumer

ROOM = r"(?P<room_id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"

websocket_urlpatterns = [
    # y-websocket's provider appends "/<room name>" to its server URL without a trailing slash.
    re_path(rf"^ws/rooms/{ROOM}/doc/?$", RoomDocumentConsumer.as_asgi()),
    re_path(rf"^ws/rooms/{ROOM}/events/?$", RoomEventsConsumer.as_asgi()),
]
