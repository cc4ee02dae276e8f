"""Reads of code reviews, permission-checked: the author, moderators and solvers of the
challenge (code_review_services.code_reviewer_allowed) see a review; anyone else gets 404."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from core.exceptions import NotFound, first_or_not_found
from core.roles import MODERATOR, user_has_role

from .code_review_services import code_reviewer_allowed
from .models import (
    ChallengeProgress,
    CodeReview,
    CodeReviewComment,
    CodeReviewScore,
    CodeReviewVersion,
)


def code_review_get_for_user(*, user, review_id: int) -> CodeReview:
    review = first_or_not_found(
        CodeReview.objects.filter(id=review_id).select_related("author", "challenge", "submission"),
        "No such code review.")
    if review.author_id != user.id and not code_reviewer_allowed(user, review):
        raise NotFound("No such code review.")
    return review


def code_review_detail(*, review: CodeReview) -> CodeReview:
    """The review with its versions, comments (and their reviewers) and scores: four queries."""
    return CodeReview.objects.select_related("author", "challenge").prefetch_related(
        Prefetch("versions", queryset=CodeReviewVersion.objects.order_by("number")),
        Prefetch("comments", queryset=CodeReviewComment.objects.select_related("reviewer")
                 .order_by("current_line_start", "created_at", "id")),
        Prefetch("scores", queryset=CodeReviewScore.objects.select_related("reviewer")),
    ).get(id=review.id)


def code_reviews_mine(*, user) -> QuerySet[CodeReview]:
    return CodeReview.objects.filter(author=user).select_related("challenge", "author").order_by("-created_at")


def code_reviews_to_give(*, user) -> QuerySet[CodeReview]:
    """Open requests this user may review: on challenges they solved (any, for moderators)."""
    qs = CodeReview.objects.exclude(author=user).filter(
        status__in=["pending", "in_review", "changes_requested"]).select_related("challenge", "author")
    if not (user.is_staff or user_has_role(user, MODERATOR)):
        qs = qs.filter(Exists(ChallengeProgress.objects.filter(
            user=user, challenge_id=OuterRef("challenge_id"), solved_at__isnull=False)))
    return qs.order_by("created_at")


def code_review_comment_get(*, user, comment_id: int) -> CodeReviewComment:
    comment = first_or_not_found(CodeReviewComment.objects.filter(id=comment_id).select_related(
        "review", "review__author", "reviewer"), "No such comment.")
    code_review_get_for_user(user=user, review_id=comment.review_id)
    return comment


