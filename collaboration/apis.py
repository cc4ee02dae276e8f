"""The rooms API (the collaborative interview guide's /api/sessions, under /api/v1/)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import Role


class SessionCreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=20, required=False, default="python")
    challenge = serializers.SlugField(required=False)


class ParticipantOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    color = serializers.CharField()
    guest = serializers.BooleanField()
    online = serializers.BooleanField()


class SessionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    language = serializers.CharField()
    status = serializers.CharField()
    locked = serializers.BooleanField()
    url = serializers.CharField()
    websocket_doc = serializers.CharField()
    websocket_events = serializers.CharField()
    participants = ParticipantOutput(many=True)
    invite_links = serializers.DictField(child=serializers.CharField(), required=False)
    created_at = serializers.DateTimeField()


def session_data(request, room, participant) -> dict:
    data = {
        "id": room.id, "title": room.title, "language": room.language, "status": room.status,
        "locked": room.editor_locked, "url": request.build_absolute_uri(reverse("room-detail", args=[room.id])),
        "websocket_doc": f"/ws/rooms/{room.id}/doc", "websocket_events": f"/ws/rooms/{room.id}/events/",
        "participants": [services.participant_payload(p) for p in selectors.participants_of(room)],
        "created_at": room.created_at,
    }
    if participant.role == Role.INTERVIEWER:
        data["invite_links"] = {
            role: request.build_absolute_uri(reverse("room-join", args=[room.id]) + "?t=" +
                                             services.invite_token(room=room, role=role))
            for role in (Role.CANDIDATE, Role.OBSERVER)}
    return data


class SessionCreateApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=SessionCreateInput, responses={201: SessionOutput}, operation_id="sessions_create")
    def post(self, request):
        data = SessionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        room = services.session_create(interviewer=request.user, title=values.get("title", ""),
                                       language=values.get("language", ""), challenge_slug=values.get("challenge", ""))
        _, participant = selectors.room_for_participant(room_id=room.id, user=request.user)
        return Response(SessionOutput(session_data(request, room, participant)).data, status=status.HTTP_201_CREATED)


class SessionDetailApi(APIView):
    @extend_schema(responses=SessionOutput, operation_id="sessions_retrieve")
    def get(self, request, room_id):
        room, participant = selectors.room_for_participant(room_id=room_id, user=request.user)
        return Response(SessionOutput(session_data(request, room, participant)).data)
