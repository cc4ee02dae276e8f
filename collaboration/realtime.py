def room_doc_group(room_id) -> str:
    """Every connection editing one room's document (Yjs sync and awareness)."""
    return f"room.{room_id}.doc"


def room_events_group(room_id) -> str:
    """Every connection following one room's events (people, chat, runs, controls)."""
    return f"room.{room_id}.events"


def room_participant_group(room_id, participant_id) -> str:
    """Every events connection of one person in one room: what only they may see (the
    interviewer's private panel)."""
    return f"room.{room_id}.participant.{participant_id}"


def room_call_group(room_id) -> str:
    """The events connections that joined the room's audio/video call."""
    return f"room.{room_id}.call"
