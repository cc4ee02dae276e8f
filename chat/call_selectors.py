"""Reads of chat calls. A call in a chat someone is not (or no longer) a member of does not exist
for them (404)."""

from django.db.models import Prefetch, QuerySet

from core.exceptions import NotFound

from .call_models import ChatCall, ChatCallParty
from .models import Membership


def _calls_visible_to(user) -> QuerySet[ChatCall]:
    chats = Membership.objects.filter(user_id=user.id).values("chat_id")
    parties = ChatCallParty.objects.select_related("user").order_by("id")
    return (ChatCall.objects.filter(chat_id__in=chats).select_related("initiator")
            .prefetch_related(Prefetch("parties", queryset=parties)))


def calls_for_user(*, user, chat_id: int | None = None) -> QuerySet[ChatCall]:
    """The calls of the user's chats, newest first: a fixed number of queries per page."""
    rows = _calls_visible_to(user)
    if chat_id is not None:
        rows = rows.filter(chat_id=chat_id)
    return rows.order_by("-id")


def call_get_for_user(*, user, call_id: int) -> ChatCall:
    call = _calls_visible_to(user).filter(id=call_id).first()
    if call is None:
        raise NotFound("No such call.")
    return call
