from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from core.exceptions import NotFound, first_or_not_found

from .models import DocumentCheckpoint, DocumentUpdate, Participant, Role, Room, RoomMessage

GUEST_SESSION_KEY = "room_guests"


def room_get(*, room_id) -> Room:
    room = first_or_not_found(Room.objects.select_related("interviewer", "challenge").filter(id=room_id),
                              "No such room.")
    return room


def participant_for(*, room: Room, user=None, session=None) -> Participant | None:
    """Who this connection is in the room: a signed-in participant, or a guest remembered in the
    session. None for everyone else."""
    qs = Participant.objects.select_related("user", "room")
    if user is not None and user.is_authenticated:
        participant = qs.filter(room=room, user=user).first()
        if participant:
            return participant
    if session is not None:
        guest_id = (session.get(GUEST_SESSION_KEY) or {}).get(str(room.id))
        if guest_id:
            return qs.filter(room=room, id=guest_id, user__isnull=True).first()
    return None


def room_for_participant(*, room_id, user=None, session=None) -> tuple[Room, Participant]:
    """A room and the viewer's seat in it; anyone without a seat gets 'not found'."""
    room = room_get(room_id=room_id)
    participant = participant_for(room=room, user=user, session=session)
    if participant is None:
        raise NotFound("No such room.")
    return room, participant


def participants_of(room: Room) -> list[Participant]:
    return list(room.participants.select_related("user").order_by("created_at"))


def messages_after(*, room: Room, last_id: int = 0, limit: int = 200) -> list[RoomMessage]:
    return list(RoomMessage.objects.filter(room=room, id__gt=last_id).select_related("participant__user")
                .order_by("id")[:limit])


@dataclass
class StoredDocument:
    """What opening a room's document needs: the last checkpoint (if any) and the updates after it,
    in order, plus the stored bytes the cap counts."""

    updates: list[bytes]
    through_update_id: int  # the last stored update these cover
    since_checkpoint: int  # how many of them came after the last checkpoint
    stored_bytes: int


def document_stored(*, room_id) -> StoredDocument:
    checkpoint = (DocumentCheckpoint.objects.filter(room_id=room_id).order_by("-through_update_id")
                  .values_list("through_update_id", "data").first())
    after = checkpoint[0] if checkpoint else 0
    rows = list(DocumentUpdate.objects.filter(room_id=room_id, id__gt=after).order_by("id").values_list("id", "data"))
    updates = ([bytes(checkpoint[1])] if checkpoint else []) + [bytes(data) for _, data in rows]
    stored_bytes = Room.objects.filter(id=room_id).values_list("document_bytes", flat=True).first() or 0
    return StoredDocument(updates=updates, through_update_id=rows[-1][0] if rows else after,
                          since_checkpoint=len(rows), stored_bytes=stored_bytes)


def document_updates(*, room_id) -> list[bytes]:
    """The updates that rebuild the room's stored document, in order (its last checkpoint first)."""
    return document_stored(room_id=room_id).updates


def document_updates_after(*, room_id, update_id: int, overlap_seconds: float = 0) -> tuple[list[bytes], int]:
    """Stored updates newer than `update_id`, and the id of the last one (a process that missed
    a relayed update catches up from storage). With `overlap_seconds`, also those stored in that
    last while: ids are handed out at insert, so another process's batch that committed late can
    hold ids below ones already read (applying an update twice changes nothing)."""
    recent = Q(id__gt=update_id)
    if overlap_seconds:
        recent |= Q(created_at__gte=timezone.now() - timedelta(seconds=overlap_seconds))
    rows = list(DocumentUpdate.objects.filter(recent, room_id=room_id).order_by("id")
                .values_list("id", "data"))
    return [bytes(data) for _, data in rows], max([update_id, *(row[0] for row in rows)])


def document_text(*, room_id) -> str:
    """The room's code now: the last checkpoint and the updates after it, not the whole history."""
    from .documents import RoomDocument

    document = RoomDocument()
    for update in document_stored(room_id=room_id).updates:
        document.apply(update)
    return document.value()


def replay_of(*, room: Room) -> list[dict]:
    """Every stored update, oldest first, with who made it and when: the replay's per-edit steps."""
    rows = (DocumentUpdate.objects.filter(room=room).select_related("participant__user").order_by("id"))
    return [{"at": u.created_at.isoformat(), "by": u.participant.display_name if u.participant else "",
             "update": bytes(u.data)} for u in rows]


def replay_checkpoints(*, room: Room) -> list[dict]:
    """The document after the first `position` steps of the replay, so that seeking starts there."""
    return [{"position": position, "update": bytes(data)} for position, data in
            DocumentCheckpoint.objects.filter(room=room).order_by("position").values_list("position", "data")]


def room_summary(*, room: Room, participant: Participant) -> dict:
    replay = replay_of(room=room)
    duration = int((room.ended_at - room.created_at).total_seconds()) if room.ended_at else None
    return {
        "final_code": document_text(room_id=room.id), "participants": participants_of(room), "duration": duration,
        "chat": messages_after(room=room, limit=10_000),
        "runs": list(room.runs.select_related("participant__user").order_by("created_at")),
        "notes": room.note.text if participant.role == Role.INTERVIEWER and hasattr(room, "note") else None,
        "replay": replay, "checkpoints": replay_checkpoints(room=room),
    }


def challenge_payload(challenge) -> dict | None:
    """What a room shows of its challenge: the statement (sanitised HTML), constraints and
    examples, and the starter code per language (loaded into the shared code on attach)."""
    from core.markdown import render_markdown

    if challenge is None:
        return None
    examples = [{"input": str(ex.get("input", "")), "output": str(ex.get("output", "")),
                 "explanation": str(ex.get("explanation", ""))}
                for ex in challenge.examples or [] if isinstance(ex, dict)]
    return {"slug": challenge.slug, "title": challenge.title, "difficulty": challenge.get_difficulty_display(),
            "statement_html": render_markdown(challenge.statement),
            "constraints_html": render_markdown(challenge.constraints) if challenge.constraints else "",
            "examples": examples, "starter": dict(challenge.starter_code or {})}


def room_state(*, room_id, participant: Participant, last_id: int = 0) -> dict:
    """The `room.state` event a room's events socket starts with: the room, who is in it, the chat
    after `last_id`, the last runs, and the notes for the interviewer only."""
    from .services import message_payload, participant_payload, run_payload, timer_payload

    room = room_get(room_id=room_id)
    state = {
        "room": {"id": str(room.id), "title": room.title, "language": room.language, "status": room.status,
                 "locked": room.editor_locked, "stdin": room.stdin, "timer": timer_payload(room),
                 "challenge": challenge_payload(room.challenge)},
        "me": participant_payload(participant),
        "participants": [participant_payload(p) for p in participants_of(room)],
        "messages": [message_payload(m) for m in messages_after(room=room, last_id=last_id)],
        "runs": [run_payload(r) for r in room.runs.select_related("participant__user")[:5]],
    }
    if participant.role == Role.INTERVIEWER:
        state["notes"] = room.note.text if hasattr(room, "note") else ""
    return state


def rooms_of(*, user) -> list[Room]:
    return list(Room.objects.filter(participants__user=user).select_related("interviewer")
                .prefetch_related(Prefetch("participants", queryset=Participant.objects.select_related("user")))
                .order_by("-last_activity_at").distinct()[:50])


def is_interviewer(participant: Participant) -> bool:
    return participant.role == Role.INTERVIEWER
