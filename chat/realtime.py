"""Group names of the messenger's live delivery (core.realtime publishes to them)."""


def chat_user_group(user_id: int) -> str:
    """Every /ws/chat/ socket of one user. Not core.realtime.user_group: the notifications socket
    listens there and would receive chat events too."""
    return f"chat.user.{user_id}"
