"""Every write of a chat call: start (ring the other members), accept, reject, leave, and the
sweep that ends calls nobody answered. Each locks the call row, writes, and stores its events for
the parties (chat.events: they replay like every other chat event), so a tab that reconnects
mid-ring learns that the call was answered or ended. When a call ends, a call message goes into
the chat for every member: "Missed video call", or "Audio call · 2:05".

Events (to the call's parties, that is the members who were rung, and the initiator):
- call.incoming {call}: to each member rung;
- call.started {call}, call.busy {call, users}: to the initiator (every tab of theirs);
- call.accepted / call.rejected {call, user}: to every party (the other tabs stop ringing);
- call.ended {call}: to every party; then message.new with the record to every member.

A member is busy when they are already in another live call; a one-to-one call to a busy
person ends at once as "busy". The relay of offers, answers and ICE candidates is not here:
it goes socket to socket (chat.call_consumer)."""

import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import Conflict, NotFound, ValidationFailed

from .call_models import (
    LIVE_CALL_STATUSES,
    CallMedia,
    CallOutcome,
    CallPartyState,
    CallStatus,
    ChatCall,
    ChatCallParty,
)
from .events import events_emit
from .lock_objects import lock_chat_call
from .models import Chat, ChatKind, Membership, Message, MessageKind
from .presence_leases import lease_store
from .services import message_to_dict, user_brief


def call_to_dict(call: ChatCall, parties: list[ChatCallParty] | None = None) -> dict:
    if parties is None:
        parties = list(call.parties.select_related("user"))
    return {
        "id": call.id,
        "chat_id": call.chat_id,
        "media": call.media,
        "status": call.status,
        "outcome": call.outcome or None,
        "initiator": user_brief(call.initiator),
        "parties": [{"user": user_brief(p.user), "state": p.state} for p in parties],
        "created_at": call.created_at.isoformat(),
        "answered_at": call.answered_at.isoformat() if call.answered_at else None,
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
        "duration_seconds": call.duration_seconds,
    }


def call_record_text(call: ChatCall) -> str:
    media = "video" if call.media == CallMedia.VIDEO else "audio"
    if call.outcome == CallOutcome.ANSWERED and call.duration_seconds is not None:
        minutes, seconds = divmod(call.duration_seconds, 60)
        return f"{media.capitalize()} call · {minutes}:{seconds:02d}"
    other_endings: dict[str, str] = {CallOutcome.REJECTED: f"Declined {media} call",
                                     CallOutcome.BUSY: f"Busy: {media} call not answered"}
    return other_endings.get(call.outcome, f"Missed {media} call")


def _parties(call: ChatCall) -> list[ChatCallParty]:
    return list(ChatCallParty.objects.filter(call=call).select_related("user").order_by("id"))


def _party_ids(parties) -> list[int]:
    return [p.user_id for p in parties]


def _busy_user_ids(user_ids) -> set[int]:
    """Of `user_ids`, who is in a live call now. A party whose web process died without saying
    so holds no presence lease any more, and is not counted busy."""
    joined = set(ChatCallParty.objects.filter(user_id__in=user_ids, state=CallPartyState.JOINED,
                                              call__status__in=LIVE_CALL_STATUSES).values_list("user_id", flat=True))
    if not joined:
        return set()
    return lease_store(settings.REDIS_URL).live_users(user_ids=joined, now=time.time())


@transaction.atomic
def call_start(*, user: User, chat_id: int, media: str) -> ChatCall:
    """Ring the other members of a private chat or a small group. Refused: non-members (404),
    channels, groups of more than CHAT_CALL_MAX_PEOPLE, a chat that already has a live call, a
    caller already in a call."""
    if media not in CallMedia.values:
        raise ValidationFailed("A call is audio or video.", code="invalid_media")
    membership = Membership.objects.select_related("chat").filter(chat_id=chat_id, user=user).first()
    if membership is None:
        raise NotFound("No such chat.")
    chat: Chat = membership.chat
    if chat.kind == ChatKind.CHANNEL:
        raise ValidationFailed("Channels have no calls.", code="call_in_channel")
    member_ids = list(Membership.objects.filter(chat=chat).values_list("user_id", flat=True))
    if len(member_ids) > settings.CHAT_CALL_MAX_PEOPLE:
        raise ValidationFailed(f"Calls are for up to {settings.CHAT_CALL_MAX_PEOPLE} people.", code="call_too_large")
    others = [uid for uid in member_ids if uid != user.id]
    if not others:
        raise ValidationFailed("There is nobody else in this chat to call.", code="call_alone")
    if _busy_user_ids([user.id]):
        raise Conflict("You are already in a call.", code="already_in_call")
    try:
        with transaction.atomic():
            call = ChatCall.objects.create(chat=chat, initiator=user, media=media)
    except IntegrityError:
        raise Conflict("This chat already has a call going on.", code="call_in_progress") from None
    busy = _busy_user_ids(others)
    now = timezone.now()
    ChatCallParty.objects.bulk_create(
        [ChatCallParty(call=call, user=user, state=CallPartyState.JOINED, joined_at=now)]
        + [ChatCallParty(call=call, user_id=uid, state=CallPartyState.BUSY if uid in busy else CallPartyState.INVITED)
           for uid in others])
    parties = _parties(call)
    rung = [p.user_id for p in parties if p.state == CallPartyState.INVITED]
    events_emit(user_ids=[user.id], type="call.started", payload={"call": call_to_dict(call, parties)})
    if busy:
        events_emit(user_ids=[user.id], type="call.busy",
                    payload={"call": call_to_dict(call, parties),
                             "users": [user_brief(p.user) for p in parties if p.user_id in busy]})
    if not rung:
        _end(call, CallOutcome.BUSY)
        return call
    events_emit(user_ids=rung, type="call.incoming", payload={"call": call_to_dict(call, parties)})
    return call


def _live_call_party(call_id, user: User) -> tuple[ChatCall, ChatCallParty]:
    call = lock_chat_call(call_id) if isinstance(call_id, int) and 0 < call_id < 2**63 else None
    party = ChatCallParty.objects.filter(call=call, user=user).first() if call else None
    if call is None or party is None or not Membership.objects.filter(chat_id=call.chat_id, user=user).exists():
        raise NotFound("No such call.")
    if call.status == CallStatus.ENDED:
        raise Conflict("This call has ended.", code="call_ended")
    return call, party


@transaction.atomic
def call_accept(*, user: User, call_id: int) -> ChatCall:
    """Join a call one was rung for (or rejoin a group call one left while it goes on)."""
    call, party = _live_call_party(call_id, user)
    if party.state == CallPartyState.JOINED:
        raise Conflict("You are in this call already (in another tab).", code="call_joined_elsewhere")
    if party.state not in (CallPartyState.INVITED, CallPartyState.LEFT, CallPartyState.DECLINED) or (
            party.state != CallPartyState.INVITED and call.status != CallStatus.ACTIVE):
        raise Conflict("You were not rung for this call.", code="call_not_invited")
    if _busy_user_ids([user.id]):
        raise Conflict("You are already in a call.", code="already_in_call")
    now = timezone.now()
    party.state, party.joined_at, party.left_at = CallPartyState.JOINED, now, None
    party.save(update_fields=["state", "joined_at", "left_at"])
    if call.status == CallStatus.RINGING:
        call.status, call.answered_at = CallStatus.ACTIVE, now
        call.save(update_fields=["status", "answered_at"])
    parties = _parties(call)
    events_emit(user_ids=_party_ids(parties), type="call.accepted",
                payload={"call": call_to_dict(call, parties), "user": user_brief(user)})
    return call


@transaction.atomic
def call_reject(*, user: User, call_id: int) -> ChatCall:
    call, party = _live_call_party(call_id, user)
    if party.state != CallPartyState.INVITED:
        raise Conflict("This call is not ringing for you.", code="call_not_ringing")
    party.state = CallPartyState.DECLINED
    party.save(update_fields=["state"])
    parties = _parties(call)
    events_emit(user_ids=_party_ids(parties), type="call.rejected",
                payload={"call": call_to_dict(call, parties), "user": user_brief(user)})
    _end_when_over(call, parties)
    return call


@transaction.atomic
def call_leave(*, user: User, call_id: int) -> ChatCall:
    """Hang up. The initiator hanging up before anyone answered cancels the ringing (a missed
    call for the others); the call ends when fewer than two people are left in it and nobody
    is still being rung."""
    call, party = _live_call_party(call_id, user)
    if party.state == CallPartyState.INVITED:
        return call_reject(user=user, call_id=call_id)
    if party.state != CallPartyState.JOINED:
        return call
    party.state, party.left_at = CallPartyState.LEFT, timezone.now()
    party.save(update_fields=["state", "left_at"])
    parties = _parties(call)
    if call.status == CallStatus.RINGING and call.initiator_id == user.id:
        _end(call, CallOutcome.MISSED)
        return call
    events_emit(user_ids=_party_ids(parties), type="call.left",
                payload={"call": call_to_dict(call, parties), "user": user_brief(user)})
    _end_when_over(call, parties)
    return call


def _end_when_over(call: ChatCall, parties: list[ChatCallParty]) -> None:
    joined = sum(p.state == CallPartyState.JOINED for p in parties)
    ringing = sum(p.state == CallPartyState.INVITED for p in parties)
    if call.status == CallStatus.ACTIVE and joined < 2 and not ringing:
        _end(call, CallOutcome.ANSWERED)
    elif call.status == CallStatus.RINGING and not ringing:
        declined = any(p.state == CallPartyState.DECLINED for p in parties)
        _end(call, CallOutcome.REJECTED if declined else CallOutcome.MISSED)


def _end(call: ChatCall, outcome: str) -> None:
    """End a locked call: whoever is still in it leaves, whoever is still rung missed it, and a
    call message records it in the chat for every member."""
    now = timezone.now()
    ChatCallParty.objects.filter(call=call, state=CallPartyState.JOINED).update(state=CallPartyState.LEFT, left_at=now)
    ChatCallParty.objects.filter(call=call, state=CallPartyState.INVITED).update(state=CallPartyState.MISSED)
    call.status, call.outcome, call.ended_at = CallStatus.ENDED, outcome, now
    parties = _parties(call)
    summary = call_to_dict(call, parties)
    record = Message.objects.create(chat_id=call.chat_id, sender=call.initiator, kind=MessageKind.CALL,
                                    body=call_record_text(call), silent=True, data={"call": summary})
    call.record = record
    call.save(update_fields=["status", "outcome", "ended_at", "record"])
    Chat.objects.filter(id=call.chat_id).update(last_message=record, last_activity_at=record.created_at)
    events_emit(user_ids=_party_ids(parties), type="call.ended", payload={"call": summary})
    member_ids = list(Membership.objects.filter(chat_id=call.chat_id).values_list("user_id", flat=True))
    events_emit(user_ids=member_ids, type="message.new", payload={"message": message_to_dict(record, [])})


def calls_sweep() -> int:
    """End the calls that rang for longer than CHAT_CALL_RING_SECONDS with nobody answering
    (missed), and take out of live calls the parties whose sockets are gone with their web
    process (no presence lease). Run by beat; returns how many calls ended."""
    ended = 0
    ring_cutoff = timezone.now() - timedelta(seconds=settings.CHAT_CALL_RING_SECONDS)
    for call_id in list(ChatCall.objects.filter(status__in=LIVE_CALL_STATUSES).values_list("id", flat=True)):
        with transaction.atomic():
            call = lock_chat_call(call_id)
            if call is None or call.status == CallStatus.ENDED:
                continue
            parties = _parties(call)
            joined = [p.user_id for p in parties if p.state == CallPartyState.JOINED]
            live = lease_store(settings.REDIS_URL).live_users(user_ids=joined, now=time.time())
            gone = [uid for uid in joined if uid not in live]
            if gone:
                ChatCallParty.objects.filter(call=call, user_id__in=gone).update(
                    state=CallPartyState.LEFT, left_at=timezone.now())
                parties = _parties(call)
            if call.status == CallStatus.RINGING and (call.created_at < ring_cutoff or call.initiator_id in gone):
                ChatCallParty.objects.filter(call=call, state=CallPartyState.INVITED).update(state=CallPartyState.MISSED)
                _end(call, CallOutcome.MISSED)
                ended += 1
            elif gone:
                _end_when_over(call, parties)
                ended += call.status == CallStatus.ENDED
    return ended
