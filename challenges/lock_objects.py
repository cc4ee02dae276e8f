"""Row locks of the challenges domain (order: core.locks)."""

from core.locks import lock_for_update

from .models import (
    Challenge,
    ChallengeProgress,
    ChallengeReview,
    CodeReview,
    CodeReviewComment,
    Enrolment,
    Playlist,
    Submission,
)


def lock_submission_for_update(submission_id: int) -> Submission | None:
    """With its challenge and user joined in (not locked)."""
    return lock_for_update(Submission.objects.filter(id=submission_id).select_related("challenge", "user")).first()


def lock_challenge_progress_for_update(progress_id: int) -> ChallengeProgress:
    return lock_for_update(ChallengeProgress.objects.filter(id=progress_id)).get()


def lock_challenge_for_update(challenge_id: int) -> Challenge | None:
    return lock_for_update(Challenge.objects.filter(id=challenge_id)).first()


def lock_challenge_by_slug_for_update(slug: str) -> Challenge | None:
    return lock_for_update(Challenge.objects.filter(slug=slug)).first()


def lock_playlist_for_update(playlist_id: int) -> Playlist:
    return lock_for_update(Playlist.objects.filter(id=playlist_id)).get()


def lock_enrolment_for_update(enrolment_id: int) -> Enrolment:
    return lock_for_update(Enrolment.objects.filter(id=enrolment_id).select_related("playlist", "user")).get()


def lock_challenge_review_for_update(review_id: int) -> ChallengeReview:
    return lock_for_update(ChallengeReview.objects.filter(id=review_id)).get()


def lock_code_review_for_update(review_id: int) -> CodeReview:
    return lock_for_update(CodeReview.objects.filter(id=review_id).select_related("author", "challenge")).get()


def lock_code_review_comment_for_update(comment_id: int) -> CodeReviewComment:
    """After its review (a comment belongs to one review; the review is locked first)."""
    return lock_for_update(CodeReviewComment.objects.filter(id=comment_id)).get()
