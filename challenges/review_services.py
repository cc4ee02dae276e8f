"""Every write of challenge reviews: rate once after attempting, helpful votes, replies."""

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count

from accounts.models import NotificationType
from accounts.services import notification_send, progress_record_event
from core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from core.roles import MODERATOR, user_has_role

from .lock_objects import lock_challenge_for_update, lock_challenge_review_for_update
from .models import Challenge, ChallengeReview, ReviewHelpfulVote, ReviewReply, Submission

MAX_TAGS = 8
REVIEW_XP = 5


def _clean_tags(tags) -> list[str]:
    cleaned = []
    for tag in tags or []:
        tag = " ".join(str(tag).lower().split())[:30]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed(details={"tags": [f"At most {MAX_TAGS} tags."]})
    return cleaned


def _rating_refresh(challenge_id: int) -> None:
    lock_challenge_for_update(challenge_id)
    totals = ChallengeReview.objects.filter(challenge_id=challenge_id).aggregate(n=Count("id"), avg=Avg("rating"))
    Challenge.objects.filter(id=challenge_id).update(review_count=totals["n"],
                                                     rating_average=round(totals["avg"] or 0, 2))


@transaction.atomic
def challenge_review_create(*, user, challenge: Challenge, rating: int, title: str, text: str,
                            tags=None) -> ChallengeReview:
    """Only after attempting (a submission of this user exists), once per user: a second review,
    even sent at the same moment, is a Conflict (the unique constraint decides)."""
    if not Submission.objects.filter(user=user, challenge=challenge).exists():
        raise Forbidden("Submit a solution before reviewing this challenge.", code="not_attempted")
    if not 1 <= rating <= 5:
        raise ValidationFailed(details={"rating": ["Rate from 1 to 5."]})
    try:
        with transaction.atomic():
            review = ChallengeReview.objects.create(user=user, challenge=challenge, rating=rating, title=title,
                                                    text=text, tags=_clean_tags(tags))
    except IntegrityError:
        raise Conflict("You have reviewed this challenge already; edit your review instead.", code="already_reviewed")
    _rating_refresh(challenge.id)
    progress_record_event(user=user, event_type="challenge.reviewed", xp=REVIEW_XP, source=review)
    return review


def _own(user, review: ChallengeReview) -> None:
    if review.user_id != user.id:
        # The review is public, so its existence is no secret: say no plainly.
        raise Forbidden("Only its author edits a review.", code="not_your_review")


@transaction.atomic
def challenge_review_update(*, user, review: ChallengeReview, **changes) -> ChallengeReview:
    _own(user, review)
    if "rating" in changes and not 1 <= changes["rating"] <= 5:
        raise ValidationFailed(details={"rating": ["Rate from 1 to 5."]})
    if "tags" in changes:
        changes["tags"] = _clean_tags(changes["tags"])
    for key in ("rating", "title", "text", "tags"):
        if key in changes:
            setattr(review, key, changes[key])
    review.save()
    _rating_refresh(review.challenge_id)
    return review


@transaction.atomic
def challenge_review_delete(*, user, review: ChallengeReview) -> None:
    if review.user_id != user.id and not user_has_role(user, MODERATOR):
        raise Forbidden("Only its author or a moderator deletes a review.", code="not_your_review")
    challenge_id = review.challenge_id
    review.delete()
    _rating_refresh(challenge_id)


@transaction.atomic
def review_helpful_mark(*, user, review: ChallengeReview) -> ChallengeReview:
    """Once per user (not on one's own review); the count is recounted from the votes under the
    review's row lock, so concurrent votes never lose or double one."""
    if review.user_id == user.id:
        raise Forbidden("You cannot mark your own review helpful.", code="own_review")
    try:
        with transaction.atomic():
            ReviewHelpfulVote.objects.create(review=review, user=user)
    except IntegrityError:
        raise Conflict("You marked this review helpful already.", code="already_marked")
    return _helpful_refresh(review.id)


@transaction.atomic
def review_helpful_unmark(*, user, review: ChallengeReview) -> ChallengeReview:
    if not ReviewHelpfulVote.objects.filter(review=review, user=user).delete()[0]:
        raise NotFound("You had not marked this review helpful.", code="not_marked")
    return _helpful_refresh(review.id)


def _helpful_refresh(review_id: int) -> ChallengeReview:
    review = lock_challenge_review_for_update(review_id)
    review.helpful_count = ReviewHelpfulVote.objects.filter(review_id=review_id).count()
    review.save(update_fields=["helpful_count", "updated_at"])
    return review


@transaction.atomic
def review_reply_create(*, user, review: ChallengeReview, text: str) -> ReviewReply:
    if not text.strip():
        raise ValidationFailed(details={"text": ["Write a reply."]})
    reply = ReviewReply.objects.create(review=review, user=user, text=text)
    locked = lock_challenge_review_for_update(review.id)
    locked.reply_count = ReviewReply.objects.filter(review_id=review.id).count()
    locked.save(update_fields=["reply_count", "updated_at"])
    if review.user_id != user.id:
        notification_send(user=review.user, type=NotificationType.SOCIAL,
                          title=f"{user.display_name} replied to your review of {review.challenge.title}",
                          url=f"/challenges/{review.challenge.slug}/reviews/",
                          data={"review": review.id, "reply": reply.id})
    return reply
