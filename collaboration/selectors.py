from django.db.models import Prefetch

from core.exceptions import NotFound, first_or_not_found

from .models import DocumentUpdate, Participant, Role, Room, RoomMessage

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


def document_updates(*, room_id) -> list[bytes]:
    return [bytes(data) for data in DocumentUpdate.objects.filter(room_id=room_id).order_by("id")
            .values_list("data", flat=True)]


def replay_of(*, room: Room) -> list[dict]:
    rows = (DocumentUpdate.objects.filter(room=room).select_related("participant__user").order_by("id"))
    return [{"at": u.created_at.isoformat(), "by": u.participant.display_name if u.participant else "",
             "update": bytes(u.data)} for u in rows]


def rooms_of(*, user) -> list[Room]:
    return list(Room.objects.filter(participants__user=user).select_related("interviewer")
                .prefetch_related(Prefetch("participants", queryset=Participant.objects.select_related("user")))
                .order_by("-last_activity_at").distinct()[:50])


def is_interviewer(participant: Participant) -> bool:
    return participant.role == Role.INTERVIEWER
