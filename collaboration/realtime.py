def room_doc_group(room_id) -> str:
    """Every connection editing one room's document (Yjs sync and awareness)."""
    return f"room.{room_id}.doc"


def room_events_group(room_id) -> str:
    """Every connection following one room's events (people, chat, runs, controls)."""
    return f"room.{room_id}.events"
