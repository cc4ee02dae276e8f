from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from core.exceptions import NotFound, first_or_not_found

from .models import (
    DocumentCheckpoint,
    DocumentUpdate,
    InterviewerNote,
    Participant,
    Role,
    Room,
    RoomMessage,
    RoomQuestion,
)

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
        # Each person reads the notes they took (after a swap both interviewed); others' never.
        "notes": notes_text(room=room, author_id=participant.user_id) if participant.user_id else None,
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
    if notes_visible_to(room, participant):
        state["notes"] = notes_text(room=room, author_id=participant.user_id) or ""
    if participant.role == Role.INTERVIEWER:
        state["panel"] = interviewer_panel(room=room, participant=participant)
    return state


def rooms_of(*, user) -> list[Room]:
    return list(Room.objects.filter(participants__user=user).select_related("interviewer")
                .prefetch_related(Prefetch("participants", queryset=Participant.objects.select_related("user")))
                .order_by("-last_activity_at").distinct()[:50])


def is_interviewer(participant: Participant) -> bool:
    return participant.role == Role.INTERVIEWER


def notes_visible_to(room: Room, participant: Participant) -> bool:
    """Whoever interviews now (signed in) takes private notes: their own, about the candidate of
    their half. After a role swap the new interviewer starts their own and never reads the
    other's (which are about them)."""
    return participant.role == Role.INTERVIEWER and participant.user_id is not None


def notes_text(*, room: Room, author_id: int | None) -> str | None:
    """The notes `author_id` took in `room`, or None when they took none."""
    if author_id is None:
        return None
    return InterviewerNote.objects.filter(room=room, author_id=author_id).values_list("text", flat=True).first()


def seat_get(*, room_id, participant_id) -> tuple[Room, Participant]:
    """The room and a seat as they are now (a role swap changes a seat's role while its
    connections stay open)."""
    room = room_get(room_id=room_id)
    participant = first_or_not_found(Participant.objects.select_related("user").filter(room=room, id=participant_id),
                                     "You no longer have a seat in this room.")
    return room, participant


# --- the interviewer's private panel ------------------------------------------------------------

PANEL_SEARCH_LIMIT = 50


def panel_question_summary(question) -> dict:
    return {"slug": question.slug, "prompt": question.prompt[:300], "category": question.category,
            "category_label": question.get_category_display(), "difficulty": question.difficulty}


def panel_question_search(*, category: str = "", difficulty: str = "", search: str = "") -> list[dict]:
    """Active questions of the bank for the panel's picker: one query, at most 50."""
    from interviews.selectors import question_list

    rows = question_list(category=category, difficulty=difficulty, search=search[:100])
    return [panel_question_summary(q) for q in rows.only("slug", "prompt", "category", "difficulty")[:PANEL_SEARCH_LIMIT]]


def panel_question_search_for(*, participant: Participant, category: str = "", difficulty: str = "",
                              search: str = "") -> list[dict]:
    """The picker's search, for the current interviewer only."""
    from core.exceptions import Forbidden

    if participant.role != Role.INTERVIEWER:
        raise Forbidden("Only the interviewer sees the question bank.", code="interviewer_only")
    return panel_question_search(category=category, difficulty=difficulty, search=search)


def panel_question_detail(question) -> dict:
    """Everything the interviewer needs to run the question; never sent to anyone else."""
    return {
        **panel_question_summary(question), "prompt": question.prompt,
        "rubric": [{"criterion": r["criterion"], "weight": r["weight"], "weak": r["weak"], "fair": r["fair"],
                    "strong": r["strong"]} for r in question.rubric],
        "talking_points": [p["text"] for p in question.talking_points],
        "hints": list(question.hints),
        "follow_ups": [f["prompt"] for f in question.follow_ups],
    }


def interviewer_panel(*, room: Room, participant: Participant) -> dict | None:
    """The private panel of the room's current interviewer: this turn's question (or none yet),
    and the choices of the picker. None for anyone else."""
    from interviews.models import Category, Difficulty

    if participant.role != Role.INTERVIEWER:
        return None
    turn = room.role_swaps + 1
    picked = RoomQuestion.objects.select_related("question").filter(room=room, turn=turn).first()
    return {"turn": turn, "question": panel_question_detail(picked.question) if picked else None,
            "categories": [{"id": value, "name": label} for value, label in Category.choices],
            "difficulties": [{"id": value, "name": label} for value, label in Difficulty.choices]}
