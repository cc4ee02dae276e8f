def submission_group(submission_id: int) -> str:
    """Everyone watching one submission being judged (its owner's open pages)."""
    return f"submission.{submission_id}"
