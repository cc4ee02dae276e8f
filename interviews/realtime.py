def interview_group(session_id: int) -> str:
    """Every open page of one interview session (its owner's tabs)."""
    return f"interview.{session_id}"
