"""Every write of code reviews (Exercism-style mentoring on a submission).

Who may review: moderators (and admins), and any user other than the author who has solved the
review's challenge (an accepted submission): they know a working answer. The same people, and
the author, may read the review; for everyone else it does not exist (404), so a submission's
code is never shown to anyone the author did not ask."""

from django.db import IntegrityError, transaction

from accounts.models import NotificationType
from accounts.services import notification_send, progress_record_event
from core.exceptions import Conflict, Forbidden, ValidationFailed
from core.roles import MODERATOR, user_has_role

from . import line_mapping
from .lock_objects import lock_code_review_comment_for_update, lock_code_review_for_update
from .models import (
    ChallengeProgress,
    CodeDraft,
    CodeReview,
    CodeReviewComment,
    CodeReviewScore,
    CodeReviewStatus,
    CodeReviewVersion,
    CommentKind,
    Submission,
    SubmissionStatus,
)

REVIEWER_STATUSES = (CodeReviewStatus.IN_REVIEW, CodeReviewStatus.APPROVED, CodeReviewStatus.CHANGES_REQUESTED,
                     CodeReviewStatus.REJECTED)
REVIEW_GIVEN_XP = 10


def code_reviewer_allowed(user, review: CodeReview) -> bool:
    if not user.is_authenticated or user.id == review.author_id:
        return False
    if user.is_staff or user_has_role(user, MODERATOR):
        return True
    return ChallengeProgress.objects.filter(user=user, challenge_id=review.challenge_id,
                                            solved_at__isnull=False).exists()


def _notify_author(review: CodeReview, title: str) -> None:
    notification_send(user=review.author, type=NotificationType.CHALLENGE, title=title,
                      url=f"/code-reviews/{review.id}/", data={"code_review": review.id})


@transaction.atomic
def code_review_request(*, user, submission: Submission, message: str = "") -> CodeReview:
    """Ask for a review of one of one's own judged submissions (once per submission)."""
    if submission.user_id != user.id:
        raise Forbidden("You can only ask for a review of your own submission.", code="not_your_submission")
    if submission.status != SubmissionStatus.DONE:
        raise ValidationFailed("Wait until the submission is judged.", code="not_judged")
    try:
        with transaction.atomic():
            review = CodeReview.objects.create(submission=submission, author=user, challenge=submission.challenge,
                                               language=submission.language, message=message)
    except IntegrityError:
        raise Conflict("A review of this submission was requested already.", code="already_requested")
    CodeReviewVersion.objects.create(review=review, number=1, source=submission.source, note="Submitted code")
    return review


def _latest(review: CodeReview) -> CodeReviewVersion:
    return review.versions.order_by("-number").first()  # type: ignore[return-value]


def _lines_check(source: str, start: int | None, end: int | None) -> tuple[int | None, int | None]:
    if start is None:
        if end is not None:
            raise ValidationFailed(details={"line_start": ["Give the first line too."]})
        return None, None
    end = start if end is None else end
    count = len(line_mapping.split_lines(source))
    if not 1 <= start <= end <= count:
        raise ValidationFailed(details={"line_start": [f"Lines are 1 to {count}, first before last."]})
    return start, end


@transaction.atomic
def code_review_comment_add(*, user, review: CodeReview, body: str, kind: str = CommentKind.GENERAL,
                            line_start: int | None = None, line_end: int | None = None,
                            suggestion: str = "") -> CodeReviewComment:
    """A comment on lines of the newest version (or on the whole code when no line is given).
    Reviewers comment in any kind; the author answers with general comments. A suggestion
    carries the replacement for its lines."""
    is_author = user.id == review.author_id
    if not is_author and not code_reviewer_allowed(user, review):
        raise Forbidden("Only people who solved this challenge, and moderators, review it.", code="not_a_reviewer")
    if is_author and kind != CommentKind.GENERAL:
        raise ValidationFailed("The author answers with general comments.", code="author_comment_kind")
    if not body.strip():
        raise ValidationFailed(details={"body": ["Write the comment."]})
    review = lock_code_review_for_update(review.id)
    latest = _latest(review)
    start, end = _lines_check(latest.source, line_start, line_end)
    if kind == CommentKind.SUGGESTION and start is None:
        raise ValidationFailed(details={"line_start": ["A suggestion replaces lines: say which."]})
    if kind != CommentKind.SUGGESTION and suggestion:
        raise ValidationFailed(details={"suggestion": ["Only suggestions carry replacement code."]})
    comment = CodeReviewComment.objects.create(
        review=review, reviewer=user, kind=kind, body=body, version_number=latest.number,
        line_start=start, line_end=end, current_line_start=start, current_line_end=end, suggestion=suggestion)
    if not is_author:
        if review.status == CodeReviewStatus.PENDING:
            review.status = CodeReviewStatus.IN_REVIEW
            review.save(update_fields=["status", "updated_at"])
        _notify_author(review, f"New review comment on {review.challenge.title}")
    return comment


def _version_add(review: CodeReview, source: str, note: str) -> CodeReviewVersion:
    """A new newest version; every comment moves through the diff (line_mapping)."""
    previous = _latest(review)
    if source == previous.source:
        raise ValidationFailed("This version is the same as the last one.", code="unchanged_version")
    number = previous.number + 1
    version = CodeReviewVersion.objects.create(review=review, number=number, source=source, note=note[:200])
    comments = list(review.comments.filter(current_line_start__isnull=False))
    for comment in comments:
        start = comment.current_line_start or 1
        moved = line_mapping.move_range(previous.source, source, start, comment.current_line_end or start)
        comment.current_line_start, comment.current_line_end = moved.start, moved.end
        comment.outdated = comment.outdated or moved.outdated
    CodeReviewComment.objects.bulk_update(comments, ["current_line_start", "current_line_end", "outdated"])
    review.version_count = number
    if review.status == CodeReviewStatus.CHANGES_REQUESTED:
        review.status = CodeReviewStatus.IN_REVIEW
    review.save(update_fields=["version_count", "status", "updated_at"])
    return version


@transaction.atomic
def code_review_version_submit(*, user, review: CodeReview, source: str, note: str = "") -> CodeReviewVersion:
    if user.id != review.author_id:
        raise Forbidden("Only the author submits new versions.", code="not_your_review")
    if not source.strip():
        raise ValidationFailed(details={"source": ["Give the code."]})
    return _version_add(lock_code_review_for_update(review.id), source, note or "New version")


@transaction.atomic
def code_review_suggestion_apply(*, user, comment: CodeReviewComment) -> CodeReviewVersion:
    """One click: the suggestion's lines replaced in the newest version, as a new version, and
    in the author's editor draft for the challenge (so that the next submission starts from it)."""
    review = lock_code_review_for_update(comment.review_id)
    if user.id != review.author_id:
        raise Forbidden("Only the author applies suggestions.", code="not_your_review")
    comment = lock_code_review_comment_for_update(comment.id)
    if comment.kind != CommentKind.SUGGESTION:
        raise ValidationFailed("Only suggestions can be applied.", code="not_a_suggestion")
    if comment.applied_in_version is not None:
        raise Conflict("This suggestion was applied already.", code="already_applied")
    if comment.outdated or comment.current_line_start is None:
        raise Conflict("The lines this suggestion changes have changed since; apply it by hand.",
                       code="suggestion_outdated")
    latest = _latest(review)
    try:
        source = line_mapping.apply_suggestion(latest.source, comment.current_line_start,
                                               comment.current_line_end or comment.current_line_start,
                                               comment.suggestion)
    except line_mapping.SuggestionDoesNotApply as error:
        raise Conflict(str(error), code="suggestion_outdated")
    # The applied comment's lines are replaced by its own suggestion: it is resolved, not outdated.
    version = _version_add(review, source, f"Applied a suggestion by {comment.reviewer.display_name}")
    CodeReviewComment.objects.filter(id=comment.id).update(applied_in_version=version.number, outdated=False)
    CodeDraft.objects.update_or_create(user=user, challenge_id=review.challenge_id, language=review.language,
                                       defaults={"code": source})
    return version


@transaction.atomic
def code_review_score(*, user, review: CodeReview, code_quality: int, performance: int, readability: int,
                      tests: int, summary: str = "") -> CodeReviewScore:
    """One score card per reviewer (sending it again replaces it); each score 1-5."""
    if not code_reviewer_allowed(user, review):
        raise Forbidden("Only people who solved this challenge, and moderators, review it.", code="not_a_reviewer")
    values = {"code_quality": code_quality, "performance": performance, "readability": readability, "tests": tests}
    bad = {k: ["Score from 1 to 5."] for k, v in values.items() if not 1 <= v <= 5}
    if bad:
        raise ValidationFailed(details=bad)
    score, created = CodeReviewScore.objects.update_or_create(review=review, reviewer=user,
                                                              defaults={**values, "summary": summary})
    if created:
        progress_record_event(user=user, event_type="code_review.given", xp=REVIEW_GIVEN_XP, source=score)
    return score


@transaction.atomic
def code_review_status_set(*, user, review: CodeReview, status: str) -> CodeReview:
    if not code_reviewer_allowed(user, review):
        raise Forbidden("Only reviewers set the status.", code="not_a_reviewer")
    if status not in REVIEWER_STATUSES:
        raise ValidationFailed(details={"status": [f"One of: {', '.join(REVIEWER_STATUSES)}."]})
    review = lock_code_review_for_update(review.id)
    if review.status != status:
        review.status = status
        review.save(update_fields=["status", "updated_at"])
        _notify_author(review, f"Your code review is now {review.get_status_display().lower()}")
    return review


