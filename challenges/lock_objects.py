"""Row locks of the challenges domain (order: core.locks)."""

from core.locks import lock_for_update

from .models import Challenge, ChallengeProgress, Submission


def lock_submission_for_update(submission_id: int) -> Submission | None:
    """With its challenge and user joined in (not locked)."""
    return lock_for_update(Submission.objects.filter(id=submission_id).select_related("challenge", "user")).first()


def lock_challenge_progress_for_update(progress_id: int) -> ChallengeProgress:
    return lock_for_update(ChallengeProgress.objects.filter(id=progress_id)).get()


def lock_challenge_for_update(challenge_id: int) -> Challenge | None:
    return lock_for_update(Challenge.objects.filter(id=challenge_id)).first()


def lock_challenge_by_slug_for_update(slug: str) -> Challenge | None:
    return lock_for_update(Challenge.objects.filter(slug=slug)).first()
