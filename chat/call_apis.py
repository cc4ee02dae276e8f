"""`/api/v1/calls`: the call records of the user's chats, for mobile apps (starting and answering
a call is signalling, over /ws/chat/: chat.call_consumer)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import CursorQuery, FeedCursorPagination, paginated_response
from core.query_params import QueryInteger, query_valid

from . import call_selectors
from .call_models import CallMedia, CallOutcome, CallPartyState, CallStatus
from .call_services import call_to_dict


class CallUserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class CallPartyOutput(serializers.Serializer):
    user = CallUserOutput()
    state = serializers.ChoiceField(choices=CallPartyState.choices)


class CallOutput(serializers.Serializer):
    id = serializers.IntegerField()
    chat_id = serializers.IntegerField()
    media = serializers.ChoiceField(choices=CallMedia.choices)
    status = serializers.ChoiceField(choices=CallStatus.choices)
    outcome = serializers.ChoiceField(choices=[c for c in CallOutcome.choices if c[0]], allow_null=True)
    initiator = CallUserOutput(allow_null=True)
    parties = CallPartyOutput(many=True)
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    duration_seconds = serializers.IntegerField(allow_null=True)

    def to_representation(self, instance):
        return call_to_dict(instance, list(instance.parties.all()))


class CallListQuery(CursorQuery):
    chat_id = QueryInteger(required=False, min_value=1, help_text="Only this chat's calls.")


class CallPagination(FeedCursorPagination):
    page_size = 30
    query = CallListQuery


class CallListApi(APIView):
    @extend_schema(parameters=[CallListQuery], responses=CallPagination.response(CallOutput), operation_id="calls_list")
    def get(self, request):
        query = query_valid(CallListQuery, request)
        rows = call_selectors.calls_for_user(user=request.user, chat_id=query.get("chat_id"))
        return paginated_response(request, self, rows, CallOutput, pagination=CallPagination)


class CallDetailApi(APIView):
    @extend_schema(responses=CallOutput, operation_id="calls_retrieve")
    def get(self, request, call_id):
        return Response(CallOutput(call_selectors.call_get_for_user(user=request.user, call_id=call_id)).data)
