"""Reads of challenge reviews."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Value

from core.exceptions import first_or_not_found

from .models import Challenge, ChallengeReview, ReviewHelpfulVote, ReviewReply, Submission


def challenge_reviews(*, user, challenge: Challenge) -> QuerySet[ChallengeReview]:
    """With their authors and replies (two queries whatever the number of reviews), and whether
    the viewer marked each helpful."""
    qs = ChallengeReview.objects.filter(challenge=challenge).select_related("user").prefetch_related(
        Prefetch("replies", queryset=ReviewReply.objects.select_related("user").order_by("created_at", "id")))
    if user.is_authenticated:
        qs = qs.annotate(viewer_marked=Exists(ReviewHelpfulVote.objects.filter(review=OuterRef("pk"), user=user)))
    else:
        qs = qs.annotate(viewer_marked=Value(False))
    return qs.order_by("-helpful_count", "-created_at", "-id")


def review_get(*, review_id: int) -> ChallengeReview:
    """Reviews are public with their challenge; a review of a hidden challenge is not found."""
    return first_or_not_found(
        ChallengeReview.objects.filter(id=review_id, challenge__is_active=True, challenge__is_public=True)
        .select_related("user", "challenge"), "No such review.")


def review_of(*, user, challenge: Challenge) -> ChallengeReview | None:
    if not user.is_authenticated:
        return None
    return ChallengeReview.objects.filter(user=user, challenge=challenge).first()


def review_allowed(*, user, challenge: Challenge) -> bool:
    return bool(user.is_authenticated and Submission.objects.filter(user=user, challenge=challenge).exists())
