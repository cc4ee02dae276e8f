"""Every write of the live coding rooms."""

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record
from core.exceptions import ApplicationError, Forbidden, ValidationFailed
from core.rate_limits import minute_budget_spend
from core.realtime import publish_on_commit

from .lock_objects import lock_room_for_update, lock_room_id_for_update
from .models import (
    COLORS,
    DocumentCheckpoint,
    DocumentUpdate,
    InterviewerNote,
    Participant,
    Role,
    Room,
    RoomMessage,
    RoomQuestion,
    RoomRun,
    RoomStatus,
)
from .realtime import room_doc_group, room_events_group, room_participant_group
from .selectors import challenge_payload, interviewer_panel, notes_visible_to, panel_question_detail

INVITE_SALT = "prepforge.room-invite"
INVITE_MAX_AGE = 7 * 24 * 3600


class RoomClosed(ApplicationError):
    code = "room_closed"
    status_code = 409
    default_message = "This room has ended."


def _publish(room: Room, event: dict) -> None:
    publish_on_commit(room_events_group(room.id), event)


def participant_payload(p: Participant) -> dict:
    return {"id": p.id, "name": p.display_name, "role": p.role, "color": p.color,
            "guest": p.user_id is None, "online": participant_online(p)}


def participant_online(p: Participant) -> bool:
    return (cache.get(_presence_key(p)) or 0) > 0


def _presence_key(p: Participant) -> str:
    return f"room-presence:{p.room_id}:{p.id}"


def _touch(room: Room) -> None:
    Room.objects.filter(id=room.id).update(last_activity_at=timezone.now())


def _next_color(room: Room) -> str:
    return COLORS[room.participants.count() % len(COLORS)]


# --- rooms and people ------------------------------------------------------------------------


@transaction.atomic
def room_create(*, interviewer, title: str = "", language: str = "python", challenge=None,
                seat_role: str = Role.INTERVIEWER) -> Room:
    """`seat_role` candidate: a room that someone opens for themselves to be interviewed in (an AI
    interview's coding room): they own it but sit in it as the candidate."""
    title = (title or "").strip() or f"Interview with {interviewer.display_name}"
    room = Room.objects.create(title=title[:120], interviewer=interviewer, language=language,
                               challenge=challenge, last_activity_at=timezone.now())
    seat = Participant.objects.create(room=room, user=interviewer, role=seat_role, color=COLORS[0])
    starter = (challenge.starter_code or {}).get(language) if challenge else None
    if starter:
        # A new room's code is empty: it starts with the challenge's starter, as its first edit.
        document_updates_store(updates=[(str(room.id), seat.id, text_update(starter))])
        room.refresh_from_db(fields=["document_bytes"])
    return room


def text_update(text: str) -> bytes:
    """A Yjs update that writes `text` into an empty room document."""
    from pycrdt import Doc, Text

    from .documents import TEXT_NAME

    doc: Doc[Any] = Doc()
    doc.get(TEXT_NAME, type=Text).insert(0, text)
    return doc.get_update()


def room_open(*, interviewer, title: str = "", language: str = "python", challenge: str = "") -> Room:
    """A room from an app's request: the language is resolved to an installed runtime (an unknown
    one is a 400) and the challenge is a slug the interviewer can see (else 404)."""
    from challenges.judge_gateway import runtime_for
    from challenges.selectors import challenge_get

    attached = challenge_get(user=interviewer, slug=challenge) if challenge else None
    return room_create(interviewer=interviewer, title=title, language=runtime_for(language or "python").language,
                       challenge=attached)


def invite_token(*, room: Room, role: str) -> str:
    if role not in (Role.CANDIDATE, Role.OBSERVER):
        raise ValidationFailed("Invite as candidate or observer.", code="invalid_role")
    return signing.dumps({"room": str(room.id), "role": role, "v": room.invite_version}, salt=INVITE_SALT)


def invite_read(*, room: Room, token: str) -> str:
    """The role a link grants, or an error when it is forged, for another room, revoked or old."""
    try:
        data = signing.loads(token, salt=INVITE_SALT, max_age=INVITE_MAX_AGE)
    except signing.BadSignature:
        raise Forbidden("This invite link is not valid (it may have expired).", code="invalid_invite")
    if data.get("room") != str(room.id) or data.get("v") != room.invite_version:
        raise Forbidden("This invite link was revoked.", code="revoked_invite")
    return data["role"]


@transaction.atomic
def room_join(*, room: Room, token: str, user=None, guest_name: str = "") -> Participant:
    """Join with an invite link, as the role it grants. Joining again returns the same seat."""
    if not room.is_open:
        raise RoomClosed()
    role = invite_read(room=room, token=token)
    if user is not None and user.is_authenticated:
        existing = Participant.objects.filter(room=room, user=user).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                participant = Participant.objects.create(room=room, user=user, role=role, color=_next_color(room))
        except IntegrityError:
            participant = Participant.objects.get(room=room, user=user)
    else:
        name = " ".join((guest_name or "").split())[:60]
        if not name:
            raise ValidationFailed("Tell the others your name.", details={"guest_name": ["Tell the others your name."]})
        if role != Role.CANDIDATE:
            raise Forbidden("Guests can join as the candidate only; log in to observe.", code="guest_role")
        participant = Participant.objects.create(room=room, guest_name=name, role=role, color=_next_color(room))
    _touch(room)
    _publish(room, {"type": "participant.joined", "participant": participant_payload(participant)})
    return participant


@transaction.atomic
def room_revoke_invites(*, room: Room, by: Participant) -> Room:
    _require_interviewer(by)
    Room.objects.filter(id=room.id).update(invite_version=F("invite_version") + 1)
    room.refresh_from_db()
    return room


def presence_change(*, participant: Participant, delta: int) -> None:
    """Count a participant's open connections (in the shared cache, so across processes)."""
    key = _presence_key(participant)
    cache.add(key, 0, timeout=24 * 3600)
    try:
        value = cache.incr(key, delta)
    except ValueError:
        value = max(0, delta)
        cache.set(key, value, timeout=24 * 3600)
    if value < 0:
        cache.set(key, 0, timeout=24 * 3600)
    Participant.objects.filter(id=participant.id).update(last_seen_at=timezone.now())
    publish_on_commit(room_events_group(participant.room_id),
                      {"type": "participant.presence", "participant": participant_payload(participant)})


def _require_interviewer(p: Participant) -> None:
    if p.role != Role.INTERVIEWER:
        raise Forbidden("Only the interviewer can do that.", code="interviewer_only")


def _require_open(room: Room) -> None:
    if not room.is_open:
        raise RoomClosed()


# --- the document ------------------------------------------------------------------------------


def document_updates_store(*, updates: list[tuple[str, int | None, bytes]],
                           touch_rooms: set[str] | frozenset = frozenset()) -> None:
    """Store a batch of Yjs updates, `(room_id, participant_id, update)` in the order they were
    applied, in one transaction, and count their bytes on each room; `last_activity_at` only for
    `touch_rooms`. Each room's row is locked first (in id order), so a checkpoint of that room
    never misses an update committed beside it."""
    if not updates:
        return
    sizes: dict[str, int] = {}
    for room_id, _, update in updates:
        sizes[str(room_id)] = sizes.get(str(room_id), 0) + len(update)
    now = timezone.now()
    quote = connection.ops.quote_name
    concrete = {field.name: field for field in DocumentUpdate._meta.concrete_fields}
    room_columns = {field.name: field for field in Room._meta.concrete_fields}
    room_field = concrete["room"]
    with transaction.atomic(), connection.cursor() as cursor:
        # executemany, not the ORM: with a hundred busy rooms a batch touches a hundred rows, and
        # the ORM's per-query work holds the GIL that the relaying event loop needs. The rows are
        # updated (so locked) in id order, one statement after the other.
        room_table, room_id_column = quote(Room._meta.db_table), quote(Room._meta.pk.column)
        size_column = quote(room_columns["document_bytes"].column)
        activity_column = quote(room_columns["last_activity_at"].column)
        touched_at = room_columns["last_activity_at"].get_db_prep_value(now, connection)
        ordered = sorted(sizes)
        cursor.executemany(
            f"UPDATE {room_table} SET {size_column} = {size_column} + %s WHERE {room_id_column} = %s",
            [(sizes[room_id], room_field.get_db_prep_value(room_id, connection)) for room_id in ordered])
        touched = [(touched_at, room_field.get_db_prep_value(room_id, connection))
                   for room_id in ordered if room_id in touch_rooms]
        if touched:
            cursor.executemany(f"UPDATE {room_table} SET {activity_column} = %s WHERE {room_id_column} = %s",
                               touched)
        fields = {name: concrete[name] for name in ("room", "participant", "data", "created_at")}
        created_at = fields["created_at"].get_db_prep_value(now, connection)
        rows = [(room_field.get_db_prep_value(room_id, connection),
                 participant_id, fields["data"].get_db_prep_value(update, connection), created_at)
                for room_id, participant_id, update in updates]
        columns = ", ".join(quote(fields[name].column) for name in fields)
        cursor.executemany(f"INSERT INTO {quote(DocumentUpdate._meta.db_table)} "
                           f"({columns}) VALUES (%s, %s, %s, %s)", rows)


def document_checkpoint_create(*, room_id) -> DocumentCheckpoint | None:
    """A checkpoint of everything stored for the room so far: the last checkpoint plus the updates
    after it, merged into one update. Built from storage under the room's row lock (not from a
    process's memory), so it holds exactly the updates up to `through_update_id`."""
    from pycrdt import Doc

    with transaction.atomic():
        lock_room_id_for_update(room_id)
        last = DocumentCheckpoint.objects.filter(room_id=room_id).order_by("-through_update_id").first()
        after = last.through_update_id if last else 0
        rows = list(DocumentUpdate.objects.filter(room_id=room_id, id__gt=after).order_by("id")
                    .values_list("id", "data"))
        if not rows:
            return last
        doc: Doc[Any] = Doc()  # no shared roots: it only merges the stored updates
        if last:
            doc.apply_update(bytes(last.data))
        for _, data in rows:
            doc.apply_update(bytes(data))
        return DocumentCheckpoint.objects.create(
            room_id=room_id, through_update_id=rows[-1][0], position=(last.position if last else 0) + len(rows),
            data=doc.get_update())


# --- controls ------------------------------------------------------------------------------------


@transaction.atomic
def room_set_language(*, room: Room, by: Participant, language: str) -> Room:
    from challenges.judge_gateway import runtime_for

    _require_open(room)
    if not by.can_edit:
        raise Forbidden("Observers cannot change the language.", code="observer")
    room.language = runtime_for(language).language
    room.save(update_fields=["language", "updated_at"])
    _publish(room, {"type": "room.language", "language": room.language, "by": by.display_name})
    return room


@transaction.atomic
def room_set_lock(*, room: Room, by: Participant, locked: bool) -> Room:
    _require_interviewer(by)
    _require_open(room)
    room.editor_locked = bool(locked)
    room.save(update_fields=["editor_locked", "updated_at"])
    _publish(room, {"type": "room.lock", "locked": room.editor_locked})
    # The document sockets enforce it too.
    publish_on_commit(room_doc_group(room.id), {"type": "room.lock", "locked": room.editor_locked})
    return room


def timer_payload(room: Room) -> dict:
    # server_now lets clients correct for their own clock.
    return {"running": room.timer_started_at is not None, "elapsed_seconds": room.timer_elapsed_seconds,
            "started_at": room.timer_started_at.isoformat() if room.timer_started_at else None,
            "server_now": timezone.now().isoformat()}


@transaction.atomic
def room_timer(*, room: Room, by: Participant, running: bool) -> Room:
    _require_interviewer(by)
    _require_open(room)
    room = lock_room_for_update(room.id)
    now = timezone.now()
    if running and room.timer_started_at is None:
        room.timer_started_at = now
    elif not running and room.timer_started_at is not None:
        room.timer_elapsed_seconds += int((now - room.timer_started_at).total_seconds())
        room.timer_started_at = None
    room.save(update_fields=["timer_started_at", "timer_elapsed_seconds", "updated_at"])
    _publish(room, {"type": "room.timer", "timer": timer_payload(room)})
    return room


@transaction.atomic
def room_attach_challenge(*, room: Room, by: Participant, challenge) -> Room:
    _require_interviewer(by)
    _require_open(room)
    room.challenge = challenge
    room.save(update_fields=["challenge", "updated_at"])
    _publish(room, {"type": "room.challenge", "challenge": challenge_payload(challenge), "by": by.display_name})
    return room


@transaction.atomic
def room_set_stdin(*, room: Room, by: Participant, stdin: str) -> Room:
    if not by.can_edit:
        raise Forbidden("Observers cannot change the input.", code="observer")
    room.stdin = stdin[:100_000]
    room.save(update_fields=["stdin", "updated_at"])
    _publish(room, {"type": "room.stdin", "stdin": room.stdin})
    return room


@transaction.atomic
def room_end(*, room: Room, by: Participant) -> Room:
    _require_interviewer(by)
    return _close(room, RoomStatus.ENDED)


@transaction.atomic
def room_end_for_owner(*, room: Room, user) -> Room:
    """End a room its owner opened for their own interview when that interview ends (they sit in
    it as the candidate, so room_end's interviewer check does not fit)."""
    if room.interviewer_id != user.id:
        raise Forbidden("Only the room's owner can end it.", code="not_owner")
    return _close(room, RoomStatus.ENDED)


def _close(room: Room, status: str) -> Room:
    room = lock_room_for_update(room.id)
    if not room.is_open:
        return room
    if room.timer_started_at is not None:
        room.timer_elapsed_seconds += int((timezone.now() - room.timer_started_at).total_seconds())
        room.timer_started_at = None
    room.status = status
    room.ended_at = timezone.now()
    room.save()
    event = {"type": "room.ended", "status": status, "summary_url": f"/rooms/{room.id}/summary/"}
    _publish(room, event)
    publish_on_commit(room_doc_group(room.id), {"type": "room.ended"})
    return room


def rooms_expire(*, now=None) -> int:
    """Close rooms idle for longer than ROOM_IDLE_EXPIRY; their summary stays."""
    cutoff = (now or timezone.now()) - settings.ROOM_IDLE_EXPIRY
    closed = 0
    for room in Room.objects.filter(status=RoomStatus.OPEN, last_activity_at__lt=cutoff):
        with transaction.atomic():
            _close(room, RoomStatus.EXPIRED)
        closed += 1
    return closed


# --- chat, notes, runs -------------------------------------------------------------------------------


def message_payload(m: RoomMessage) -> dict:
    return {"id": m.id, "author": m.participant.display_name, "color": m.participant.color,
            "role": m.participant.role, "text": m.text, "created_at": m.created_at.isoformat()}


@transaction.atomic
def chat_send(*, room: Room, by: Participant, text: str) -> RoomMessage:
    _require_open(room)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("Write a message first.", code="empty_message")
    if len(text) > 4000:
        raise ValidationFailed("Messages are at most 4,000 characters.", code="message_too_long")
    message = RoomMessage.objects.create(room=room, participant=by, text=text)
    _touch(room)
    _publish(room, {"type": "chat.message", "message": message_payload(message)})
    return message


@transaction.atomic
def notes_save(*, room: Room, by: Participant, text: str) -> InterviewerNote:
    """The interviewer's own private notes: saved, never broadcast. Each interviewer has theirs
    (after a role swap the new one starts their own; the other's are about them)."""
    _require_interviewer(by)
    if not notes_visible_to(room, by):
        raise Forbidden("Sign in to take private notes.", code="notes_signed_in_only")
    note, _ = InterviewerNote.objects.get_or_create(room=room, author_id=by.user_id)
    note.text = (text or "")[:50_000]
    note.save(update_fields=["text", "updated_at"])
    return note


def run_payload(run: RoomRun) -> dict:
    return {"id": run.id, "by": run.participant.display_name if run.participant else "",
            "language": run.language, "verdict": run.verdict, "stdout": run.stdout[:20_000],
            "stderr": run.stderr[:20_000], "compile_output": run.compile_output[:20_000],
            "exit_code": run.exit_code, "wall_time": run.wall_time, "memory": run.memory,
            "created_at": run.created_at.isoformat()}


def room_run(*, room: Room, by: Participant, source: str) -> RoomRun:
    """Run the room's code in the judge's sandbox with the room's input; everyone sees the result.
    Throttled per room."""
    from challenges.services import code_run

    _require_open(room)
    if not by.can_edit:
        raise Forbidden("Observers cannot run the code.", code="observer")
    # Per room, and per person across all their rooms (rooms cost nothing to open). A guest's
    # runs count against the interviewer who let them in: guests cost nothing to make either.
    person = by.user_id or room.interviewer_id
    for key, limit, message in (
        (f"room-runs:{room.id}", settings.ROOM_RUNS_PER_MINUTE, "Too many runs in this room; wait a minute."),
        (f"room-runs-person:{person}", settings.ROOM_RUNS_PER_PERSON_PER_MINUTE,
         "You have run code many times this minute; wait a moment."),
    ):
        if not minute_budget_spend(key, limit):
            raise ApplicationError(message, code="throttled")
    publish_on_commit(room_events_group(room.id), {"type": "run.started", "by": by.display_name,
                                                   "language": room.language})
    outcome = code_run(user=by.user, language=room.language, source=source, stdin=room.stdin)
    run = RoomRun.objects.create(
        room=room, participant=by, language=outcome.language, source=source, stdin=room.stdin,
        verdict="CE" if not outcome.compile_ok else ("OK" if outcome.verdict == "AC" else outcome.verdict),
        stdout=outcome.stdout, stderr=outcome.stderr, compile_output=outcome.compile_output,
        exit_code=outcome.exit_code, wall_time=outcome.wall_time, memory=outcome.memory,
    )
    _touch(room)
    _publish(room, {"type": "run.finished", "run": run_payload(run)})
    return run


# --- peer interviews: the interviewer's question and the role swap ----------------------------------


def _publish_to(participant: Participant, event: dict) -> None:
    publish_on_commit(room_participant_group(participant.room_id, participant.id), event)


@transaction.atomic
def room_question_pick(*, room: Room, by: Participant, slug: str) -> RoomQuestion:
    """The question this turn's interviewer asks, from the bank (active questions only). Only the
    interviewer's own connections hear it (`panel.question`), with its rubric, talking points,
    hints and follow-ups; nobody else is told anything."""
    from interviews.selectors import question_get

    _require_interviewer(by)
    _require_open(room)
    question = question_get(slug=str(slug or "")[:80])
    room = lock_room_for_update(room.id)
    by = Participant.objects.get(id=by.id)
    _require_interviewer(by)  # not swapped away meanwhile
    picked, _ = RoomQuestion.objects.update_or_create(
        room=room, turn=room.role_swaps + 1, defaults={"interviewer": by, "question": question})
    _touch(room)
    _publish_to(by, {"type": "panel.question", "turn": picked.turn, "question": panel_question_detail(question)})
    return picked


@transaction.atomic
def room_roles_swap(*, room: Room, by: Participant) -> Room:
    """The interviewer and the candidate trade roles (a peer interview swaps halfway). Only the
    current interviewer may, with exactly one signed-in candidate in the room; the next turn
    starts (the new interviewer picks its question). Everyone hears `room.roles`; the new
    interviewer's connections get their (empty) panel, the old one's `panel.closed`."""
    _require_open(room)
    if by.user_id is None:
        raise Forbidden("Guests cannot swap roles.", code="guest")
    if by.role == Role.OBSERVER:
        raise Forbidden("Observers cannot swap roles.", code="observer")
    _require_interviewer(by)
    room = lock_room_for_update(room.id)
    by = Participant.objects.select_related("user").get(id=by.id)
    _require_interviewer(by)  # two clicks at once swap once: the second sees the new role
    candidate = _the_candidate(room)
    if candidate is None:
        raise ValidationFailed("Swapping roles needs exactly one candidate in the room.",
                               code="swap_needs_one_candidate")
    if candidate.user_id is None:
        raise Forbidden("A guest cannot take the interviewer's seat; the candidate must be signed in.",
                        code="guest_candidate")
    return _swap_locked(room, by, candidate, actor=by.user)


def _the_candidate(room: Room) -> Participant | None:
    candidates = list(room.participants.select_related("user").filter(role=Role.CANDIDATE))
    return candidates[0] if len(candidates) == 1 else None


def _swap_locked(room: Room, interviewer: Participant, candidate: Participant, *, actor) -> Room:
    """Trade the two seats' roles (the room's row is locked) and tell everyone on commit.
    `actor` None: the half-time swap of a scheduled interview."""
    by = interviewer
    Participant.objects.filter(id=by.id).update(role=Role.CANDIDATE, updated_at=timezone.now())
    Participant.objects.filter(id=candidate.id).update(role=Role.INTERVIEWER, updated_at=timezone.now())
    by.role, candidate.role = Role.CANDIDATE, Role.INTERVIEWER
    room.role_swaps += 1
    room.save(update_fields=["role_swaps", "updated_at"])
    audit_record(action="rooms.roles_swapped", actor=actor, target=room, target_label=room.title,
                 actor_label="" if actor else "half time",
                 changes={"interviewer": [by.display_name, candidate.display_name],
                          "turn": [room.role_swaps, room.role_swaps + 1]})
    _touch(room)
    turn = room.role_swaps + 1
    roles = {str(p.id): p.role for p in (by, candidate)}
    _publish(room, {"type": "room.roles", "turn": turn, "by": by.display_name if actor else "",
                    "automatic": actor is None,
                    "participants": [participant_payload(p) for p in (candidate, by)]})
    publish_on_commit(room_doc_group(room.id), {"type": "room.roles", "roles": roles})
    _publish_to(by, {"type": "panel.closed", "turn": turn})
    _publish_to(candidate, {"type": "panel.state", "panel": interviewer_panel(room=room, participant=candidate),
                            "sections_url": reverse("room-interviewer-sections", args=[room.id])})
    return room


def room_roles_swap_scheduled(*, room_id, after_swaps: int = 0) -> bool:
    """The swap a scheduled interview makes on its own at half time (Celery beat): once, and only
    if the room has swapped `after_swaps` times so far (so an interviewer who swapped early, or a
    second run of the task, changes nothing). Needs its two signed-in people seated as
    interviewer and candidate; returns whether it swapped."""
    with transaction.atomic():
        room = lock_room_for_update(room_id)
        if not room.is_open or room.role_swaps != after_swaps:
            return False
        interviewers = list(room.participants.select_related("user").filter(role=Role.INTERVIEWER))
        candidate = _the_candidate(room)
        if len(interviewers) != 1 or candidate is None or None in (interviewers[0].user_id, candidate.user_id):
            return False
        _swap_locked(room, interviewers[0], candidate, actor=None)
        return True
