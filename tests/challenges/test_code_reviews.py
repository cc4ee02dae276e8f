"""Code reviews of submissions: request on one's own judged submission, line comments of four
kinds by solvers and moderators only, a suggestion applied in one click into a new version and the
editor draft, comments kept on their lines across versions, scores, statuses, and 404 for anyone
who may not see the code."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from challenges import code_review_selectors
from challenges import code_review_services as crs
from challenges.models import CodeDraft, CodeReviewComment, CodeReviewStatus
from core.exceptions import Conflict, Forbidden, ValidationFailed
from core.roles import MODERATOR

from .learning_fixtures import judge

pytestmark = pytest.mark.django_db

SOURCE = "a, b = map(int, input().split())\ns = a + b\nprint(s)\n"


@pytest.fixture
def setup(user, other_user, challenge):
    submission = judge(user, challenge, source=SOURCE)
    judge(other_user, challenge)  # the reviewer solved it
    review = crs.code_review_request(user=user, submission=submission, message="Is this idiomatic?")
    return review


def test_request_only_own_judged_submission_once(user, other_user, challenge, setup):
    theirs = judge(other_user, challenge)
    with pytest.raises(Forbidden):
        crs.code_review_request(user=user, submission=theirs)
    with pytest.raises(Conflict):
        crs.code_review_request(user=user, submission=setup.submission)
    assert setup.versions.get().source == SOURCE and setup.status == "pending"


def test_only_solvers_and_moderators_review(make_user, challenge, setup):
    stranger = make_user()
    with pytest.raises(Forbidden):
        crs.code_review_comment_add(user=stranger, review=setup, body="hi", line_start=1)
    moderator = make_user()
    moderator.groups.add(Group.objects.get_or_create(name=MODERATOR)[0])
    moderator = type(moderator).objects.get(id=moderator.id)
    assert crs.code_reviewer_allowed(moderator, setup)
    crs.code_review_comment_add(user=moderator, review=setup, body="Fine", kind="praise", line_start=3)


def test_line_comments_suggestion_applied_in_one_click_and_comments_follow_their_lines(user, other_user, setup):
    praise = crs.code_review_comment_add(user=other_user, review=setup, kind="praise", body="Nice read", line_start=1)
    suggestion = crs.code_review_comment_add(user=other_user, review=setup, kind="suggestion", body="Inline it",
                                             line_start=2, line_end=3, suggestion="print(a + b)")
    issue = crs.code_review_comment_add(user=other_user, review=setup, kind="issue", body="name s", line_start=2)
    setup.refresh_from_db()
    assert setup.status == CodeReviewStatus.IN_REVIEW
    assert user.notifications.filter(title__startswith="New review comment").exists()
    with pytest.raises(Forbidden):
        crs.code_review_suggestion_apply(user=other_user, comment=suggestion)
    version = crs.code_review_suggestion_apply(user=user, comment=suggestion)
    assert version.number == 2 and version.source == "a, b = map(int, input().split())\nprint(a + b)\n"
    assert CodeDraft.objects.get(user=user, challenge=setup.challenge, language="python").code == version.source
    with pytest.raises(Conflict):
        crs.code_review_suggestion_apply(user=user, comment=suggestion)
    praise.refresh_from_db()
    issue.refresh_from_db()
    suggestion.refresh_from_db()
    assert (praise.current_line_start, praise.outdated) == (1, False)
    assert issue.outdated and suggestion.applied_in_version == 2 and not suggestion.outdated
    # The author adds a header comment: the praise on line 1 moves to line 2 and stays current.
    crs.code_review_version_submit(user=user, review=setup, source="# sum\n" + version.source)
    praise.refresh_from_db()
    assert (praise.current_line_start, praise.line_start, praise.version_number, praise.outdated) == (2, 1, 1, False)


def test_outdated_suggestion_cannot_be_applied(user, other_user, setup):
    suggestion = crs.code_review_comment_add(user=other_user, review=setup, kind="suggestion", body="x",
                                             line_start=2, suggestion="s = b + a")
    crs.code_review_version_submit(user=user, review=setup, source=SOURCE.replace("a + b", "sum((a, b))"))
    with pytest.raises(Conflict) as error:
        crs.code_review_suggestion_apply(user=user, comment=CodeReviewComment.objects.get(id=suggestion.id))
    assert error.value.code == "suggestion_outdated"


def test_bad_lines_kinds_scores_and_statuses(user, other_user, setup):
    with pytest.raises(ValidationFailed):
        crs.code_review_comment_add(user=other_user, review=setup, body="x", line_start=9)
    with pytest.raises(ValidationFailed):
        crs.code_review_comment_add(user=other_user, review=setup, body="x", kind="suggestion")
    with pytest.raises(ValidationFailed):
        crs.code_review_comment_add(user=user, review=setup, body="x", kind="issue", line_start=1)
    with pytest.raises(ValidationFailed):
        crs.code_review_score(user=other_user, review=setup, code_quality=6, performance=3, readability=3, tests=3)
    with pytest.raises(Forbidden):
        crs.code_review_score(user=user, review=setup, code_quality=5, performance=5, readability=5, tests=5)
    crs.code_review_score(user=other_user, review=setup, code_quality=4, performance=5, readability=3, tests=2)
    crs.code_review_score(user=other_user, review=setup, code_quality=5, performance=5, readability=3, tests=2)
    assert setup.scores.get().code_quality == 5
    with pytest.raises(Forbidden):
        crs.code_review_status_set(user=user, review=setup, status="approved")
    assert crs.code_review_status_set(user=other_user, review=setup, status="changes_requested").status == \
        "changes_requested"
    crs.code_review_version_submit(user=user, review=setup, source=SOURCE + "\n# done\n")
    setup.refresh_from_db()
    assert setup.status == "in_review"  # a new version after changes requested goes back to review


def test_detail_selector_queries_are_flat(django_assert_num_queries, other_user, setup):
    for line in (1, 2, 3):
        crs.code_review_comment_add(user=other_user, review=setup, body="c", line_start=line)
    with django_assert_num_queries(4):
        review = code_review_selectors.code_review_detail(review=setup)
        [(c.reviewer.username, c.body) for c in review.comments.all()]
        list(review.versions.all())
        [s.reviewer.username for s in review.scores.all()]


def test_api_journey_and_idor(api_client, user, other_user, make_user, challenge, setup):
    stranger = make_user()
    base = f"/api/v1/code-reviews/{setup.id}/"
    api_client.force_authenticate(stranger)
    assert api_client.get(base).status_code == 404
    assert api_client.post(base + "comments/", {"body": "x"}, format="json").status_code == 404
    assert api_client.post("/api/v1/code-reviews/", {"submission": setup.submission_id},
                           format="json").status_code == 404  # someone else's private submission
    assert api_client.get("/api/v1/code-reviews/queue/").json()["count"] == 0
    api_client.force_authenticate(other_user)
    assert api_client.get("/api/v1/code-reviews/queue/").json()["results"][0]["id"] == setup.id
    comment = api_client.post(base + "comments/", {"body": "Use sum", "kind": "suggestion", "line_start": 2,
                                                   "line_end": 3, "suggestion": "print(a + b)"}, format="json")
    assert comment.status_code == 201 and comment.json()["current_line_start"] == 2
    assert api_client.post(base + "scores/", {"code_quality": 4, "performance": 4, "readability": 5, "tests": 3},
                           format="json").status_code == 200
    assert api_client.post(base + "status/", {"status": "pending"}, format="json").status_code == 400
    api_client.force_authenticate(user)
    applied = api_client.post(f"/api/v1/code-reviews/comments/{comment.json()['id']}/apply/")
    assert applied.status_code == 201 and applied.json()["version_count"] == 2
    detail = api_client.get(base).json()
    assert [v["number"] for v in detail["versions"]] == [1, 2] and detail["scores"][0]["tests"] == 3
    assert api_client.get("/api/v1/code-reviews/").json()["count"] == 1
    again = api_client.post("/api/v1/code-reviews/", {"submission": setup.submission_id}, format="json")
    assert again.status_code == 409


def test_pages_request_from_submission_and_review(client, user, other_user, make_user, challenge):
    submission = judge(user, challenge, source=SOURCE)
    client.force_login(user)
    page = client.get(reverse("submission-detail", args=[submission.id])).content.decode()
    assert "Request a code review" in page
    response = client.post(reverse("code-review-request", args=[submission.id]), {"message": "help"})
    review_url = response["Location"]
    assert client.get(review_url).status_code == 200
    client.force_login(make_user())
    assert client.get(review_url).status_code == 404
    assert client.get(reverse("submission-detail", args=[submission.id])).status_code == 404
