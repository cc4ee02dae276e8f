from django.urls import path

from .media_consumers import MediaConsumer

websocket_urlpatterns = [
    path("ws/media/<int:asset_id>/", MediaConsumer.as_asgi()),
]
