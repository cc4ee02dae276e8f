"""Community services: posts, likes and bookmarks, comments, mentions, accepted answers, joins,
moderation with its audit trail, trust-level limits, templates."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from community import services
from community.models import (
    CodeTemplate,
    Comment,
    Flag,
    FlagStatus,
    Post,
    PostLike,
    PostView,
    RequestStatus,
    TemplateStar,
)
from core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=False)


def notes(user):
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_post_markdown_is_sanitised_and_tags_normalised(user, make_post):
    post = make_post(body="<script>alert(1)</script>[x](javascript:alert(1)) <iframe src=//e></iframe>"
                          "<svg onload=alert(1)></svg> **ok**", tags=["Python", "#graphs", "python"])
    html = post.body_html
    assert "<script" not in html and "href=\"javascript" not in html and "<iframe" not in html and "<svg" not in html
    assert "<strong>ok</strong>" in html
    assert post.tags == ["python", "graphs"] and post.tags_text == ",python,graphs,"
    assert post.hot_score > 0


@pytest.mark.parametrize("fields, code", [
    ({"title": "x"}, "invalid_title"),
    ({"type": "poem"}, "invalid_type"),
    ({"tags": ["a", "b", "c", "d", "e", "f"]}, "too_many_tags"),
    ({"tags": ["bad tag!"]}, "invalid_tag"),
    ({"code": "x", "code_language": "cobol"}, "invalid_language"),
    ({"github_url": "https://evil.example/x"}, "invalid_github_url"),
    ({"demo_url": "javascript:alert(1)"}, "invalid_demo_url"),
])
def test_bad_post_input_is_a_clear_error(make_post, fields, code):
    with pytest.raises(ValidationFailed) as caught:
        make_post(**fields)
    assert caught.value.code == code


def test_only_own_submissions_and_challenges_can_be_linked(user, other_user, make_post):
    from challenges.models import Challenge, Submission

    challenge = Challenge.objects.create(title="Mine", slug="mine", description="d", type="dsa", difficulty="easy",
                                         category="arrays", statement="s", author=user)
    theirs = Submission.objects.create(user=other_user, challenge=challenge, language="python", source="x")
    mine = Submission.objects.create(user=user, challenge=challenge, language="python", source="x")
    with pytest.raises(NotFound):
        make_post(linked_submission=theirs.id)
    post = make_post(linked_submission=mine.id, linked_challenge="mine")
    assert post.linked_submission_id == mine.id and post.linked_challenge_id == challenge.id
    with pytest.raises(NotFound):
        make_post(author=other_user, linked_challenge="mine")


def test_edit_and_delete_only_own(user, other_user, make_post):
    post = make_post()
    with pytest.raises(Forbidden):
        services.post_update(user=other_user, post_id=post.id, title="Hijacked")
    with pytest.raises(Forbidden):
        services.post_delete(user=other_user, post_id=post.id)
    updated = services.post_update(user=user, post_id=post.id, title="Better title", body="*new*")
    assert updated.edited_at is not None and "<em>new</em>" in updated.body_html
    services.post_delete(user=user, post_id=post.id)
    assert not Post.objects.filter(pk=post.id).exists()
    with pytest.raises(NotFound):
        services.post_update(user=user, post_id=post.id, title="Gone")


def test_likes_and_bookmarks_toggle_and_counts_equal_rows(user, other_user, make_post):
    post = make_post()
    assert services.post_like_toggle(user=other_user, post_id=post.id) == (True, 1)
    assert services.post_like_set(user=other_user, post_id=post.id, liked=True) == (True, 1)  # idempotent
    assert services.post_like_toggle(user=user, post_id=post.id) == (True, 2)
    assert services.post_like_toggle(user=other_user, post_id=post.id) == (False, 1)
    post.refresh_from_db()
    assert post.like_count == PostLike.objects.filter(post=post).count() == 1
    assert services.post_bookmark_toggle(user=other_user, post_id=post.id) == (True, 1)
    assert services.post_bookmark_toggle(user=other_user, post_id=post.id) == (False, 0)


def test_views_count_once_per_viewer_per_day(make_post):
    post = make_post()
    assert services.post_view_record(post_id=post.id, viewer="u1") == 1
    assert services.post_view_record(post_id=post.id, viewer="u1") == 1
    assert services.post_view_record(post_id=post.id, viewer="s-abc") == 2
    PostView.objects.filter(post=post).update(day=timezone.localdate() - timedelta(days=1))
    assert services.post_view_record(post_id=post.id, viewer="u1") == 3


def test_nested_comments_notify_and_count(user, other_user, make_user, make_post):
    post = make_post()
    third = make_user(username="third")
    top = services.comment_create(author=other_user, post_id=post.id, body="Use two pointers.")
    reply = services.comment_create(author=third, post_id=post.id, body=f"And @{user.username} see this",
                                    parent_id=top.id)
    deeper = services.comment_create(author=user, post_id=post.id, body="Thanks!", parent_id=reply.id)
    assert (top.depth, reply.depth, deeper.depth) == (0, 1, 2)
    post.refresh_from_db()
    assert post.comment_count == 3
    assert any("commented on" in t for t in notes(user))
    assert any("replied to your comment" in t for t in notes(other_user))
    assert any("replied to your comment" in t for t in notes(third))
    # Deleting a comment with replies leaves a placeholder; a leaf goes away.
    services.comment_delete(user=third, comment_id=reply.id)
    assert Comment.objects.get(pk=reply.id).is_deleted
    services.comment_delete(user=user, comment_id=deeper.id)
    assert not Comment.objects.filter(pk=deeper.id).exists()
    post.refresh_from_db()
    assert post.comment_count == Comment.objects.filter(post=post, is_deleted=False).count() == 1
    with pytest.raises(Forbidden):
        services.comment_update(user=user, comment_id=top.id, body="not mine")


def test_mentions_notify_once_and_not_the_author(user, other_user, make_post):
    post = make_post(body=f"Hey @{other_user.username} and @{user.username} and @nobody")
    assert any("mentioned you" in t for t in notes(other_user))
    assert not any("mentioned you" in t for t in notes(user))
    services.post_update(user=user, post_id=post.id, body=f"Edited, still @{other_user.username}")
    assert sum("mentioned you" in t for t in notes(other_user)) == 1


def test_accepted_answer_only_on_help_posts_by_their_author(user, other_user, make_post):
    help_post = make_post(type="help")
    answer = services.comment_create(author=other_user, post_id=help_post.id, body="Try a stack.")
    with pytest.raises(Forbidden):
        services.post_accept_answer(user=other_user, post_id=help_post.id, comment_id=answer.id)
    accepted = services.post_accept_answer(user=user, post_id=help_post.id, comment_id=answer.id)
    assert accepted.accepted_comment_id == answer.id
    assert any("accepted your answer" in t for t in notes(other_user))
    discussion = make_post(type="discussion")
    with pytest.raises(Conflict):
        services.post_accept_answer(user=user, post_id=discussion.id, comment_id=None)


def test_locked_thread_refuses_comments_except_from_moderators(user, moderator, make_post):
    post = make_post()
    services.post_moderate(moderator=moderator, post_id=post.id, action="lock", reason="Heated")
    with pytest.raises(Conflict):
        services.comment_create(author=user, post_id=post.id, body="More!")
    services.comment_create(author=moderator, post_id=post.id, body="Locked: please be kind.")


def test_moderation_is_audited_resolves_flags_and_tells_the_author(user, other_user, moderator, make_post,
                                                                  django_capture_on_commit_callbacks):
    post = make_post()
    flag = services.flag_create(reporter=other_user, reason="spam", details="ads", post_id=post.id)
    with pytest.raises(Conflict):
        services.flag_create(reporter=other_user, reason="spam", post_id=post.id)
    with pytest.raises(Forbidden):
        services.post_moderate(moderator=other_user, post_id=post.id, action="hide", reason="x")
    with pytest.raises(ValidationFailed):
        services.post_moderate(moderator=moderator, post_id=post.id, action="hide", reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_moderate(moderator=moderator, post_id=post.id, action="hide", reason="Spam link")
    post.refresh_from_db()
    assert post.is_hidden
    assert Flag.objects.get(pk=flag.pk).status == FlagStatus.RESOLVED
    event = AuditEvent.objects.get(action="community.post_hide")
    assert event.actor_id == moderator.id and event.changes["reason"] == [None, "Spam link"]
    assert any("was hidden" in t for t in notes(user))
    # Hidden: others cannot find it, its author and moderators can.
    with pytest.raises(NotFound):
        services.post_like_set(user=other_user, post_id=post.id, liked=True)
    services.post_like_set(user=user, post_id=post.id, liked=True)


def test_suspended_users_cannot_write(user, moderator, make_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_suspend(moderator=moderator, user=user, days=3, reason="Abuse")
    assert AuditEvent.objects.filter(action="community.user_suspend").exists()
    with pytest.raises(Forbidden) as caught:
        make_post()
    assert caught.value.code == "suspended"
    services.user_unsuspend(moderator=moderator, user=user, reason="Appeal accepted")
    make_post()
    with pytest.raises(ValidationFailed):
        services.user_suspend(moderator=moderator, user=user, days=0, reason="x")


def test_new_accounts_are_limited_and_the_limit_lifts(user, veteran, make_post):
    for _ in range(3):
        make_post()
    with pytest.raises(services.RateLimited) as caught:
        make_post()
    assert caught.value.details["trust_level"] == 0
    with pytest.raises(ValidationFailed):
        services.post_create(author=veteran, title="Links galore",
                             body=" ".join(f"https://e.example/{i}" for i in range(3)))
    # The veteran's account is a month old: three contributions make them basic (level 1).
    for i in range(3):
        services.post_create(author=veteran, title=f"Post number {i}")
    assert services.user_trust_level(veteran) == 1
    services.post_create(author=veteran, title="A fourth post today")


def test_collaboration_requests_notify_both_sides(user, other_user, make_post):
    post = make_post(type="collaboration", title="Build a judge together")
    join = services.collaboration_request_create(requester=other_user, post_id=post.id, message="Me!",
                                                 skills=["Rust", " ", "Go"])
    assert join.skills == ["Rust", "Go"]
    assert any("asked to join" in t for t in notes(user))
    with pytest.raises(Conflict):
        services.collaboration_request_create(requester=other_user, post_id=post.id)
    with pytest.raises(Forbidden):
        services.collaboration_request_decide(user=other_user, request_id=join.id, accept=True)
    decided = services.collaboration_request_decide(user=user, request_id=join.id, accept=True)
    assert decided.status == RequestStatus.ACCEPTED
    assert any("was accepted" in t for t in notes(other_user))
    with pytest.raises(Conflict):
        services.collaboration_request_decide(user=user, request_id=join.id, accept=False)
    with pytest.raises(Conflict):
        services.collaboration_request_create(requester=other_user, post_id=make_post(type="help").id)


WEB_FILES = [{"path": "index.html", "content": "<h1>Hi</h1>"}, {"path": "style.css", "content": "h1{color:red}"}]


def test_template_star_fork_and_zip(user, other_user, settings):
    template = services.template_create(author=user, title="Landing page", category="Landing", framework="Vanilla",
                                        files=WEB_FILES, tags=["html"], features=["Responsive"])
    assert template.category == "landing"
    assert services.template_star_set(user=other_user, template_id=template.id, starred=True) == (True, 1)
    assert services.template_star_set(user=other_user, template_id=template.id, starred=True) == (True, 1)
    assert TemplateStar.objects.filter(template=template).count() == 1
    fork = services.template_fork(user=other_user, template_id=template.id)
    template.refresh_from_db()
    assert fork.forked_from_id == template.id and fork.author_id == other_user.id and template.fork_count == 1
    assert fork.files == template.files
    assert any("forked your template" in t for t in notes(user))
    name, data = services.template_zip(user=other_user, template_id=fork.id)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        root = name.removesuffix(".zip")
        assert f"{root}/index.html" in names and f"{root}/style.css" in names
        credit = archive.read(f"{root}/PREPFORGE.md").decode()
        assert "Forked from “Landing page”" in credit
    settings.TEMPLATE_ZIP_MAX_FILES = 2
    with pytest.raises(services.TemplateTooLarge) as caught:
        services.template_zip(user=user, template_id=template.id)
    assert caught.value.status_code == 413 and caught.value.details["files"] == 3
    with pytest.raises(Forbidden):
        services.template_update(user=other_user, template_id=template.id, title="Mine now")


@pytest.mark.parametrize("files, code", [
    ([], "no_files"),
    ([{"path": "../x.html", "content": ""}], "invalid_path"),
    ([{"path": "index.html", "content": "a"}, {"path": "index.html", "content": "b"}], "duplicate_path"),
    ([{"path": "index.html", "content": "x" * (600 * 1024)}], "template_too_large"),
])
def test_bad_template_files_are_refused(user, files, code):
    with pytest.raises((ValidationFailed, Conflict)) as caught:
        services.template_create(author=user, title="Bad one", category="misc", files=files)
    assert caught.value.code == code


def test_project_template_needs_a_language_and_its_entry(user):
    with pytest.raises(Conflict):
        services.template_create(author=user, title="CLI", category="cli", kind="project", language="cobol",
                                 files=[{"path": "main.py", "content": "print(1)"}])
    with pytest.raises(Conflict):
        services.template_create(author=user, title="CLI", category="cli", kind="project", language="python",
                                 entry="app.py", files=[{"path": "main.py", "content": "print(1)"}])
    template = services.template_create(author=user, title="CLI", category="cli", kind="project", language="python",
                                        files=[{"path": "main.py", "content": "print(1)"}])
    assert template.entry == "main.py"


def test_project_template_runs_in_the_judge(user):
    from challenges.judge_gateway import available_runtimes

    if "python" not in available_runtimes():
        pytest.skip("no Python runtime for the judge here")
    template = services.template_create(
        author=user, title="Two files", category="cli", kind="project", language="python",
        files=[{"path": "main.py", "content": "from helper import greet\nprint(greet(input()))"},
               {"path": "helper.py", "content": "def greet(n):\n    return 'hi ' + n"}])
    outcome = services.template_run(user=user, template_id=template.id, stdin="ada\n")
    assert outcome.stdout.strip() == "hi ada", outcome
    web = services.template_create(author=user, title="Web", category="misc", files=WEB_FILES)
    with pytest.raises(Conflict):
        services.template_run(user=user, template_id=web.id)


def test_template_views_once_a_day(user):
    template = services.template_create(author=user, title="Landing page", category="landing", files=WEB_FILES)
    assert services.template_view_record(template_id=template.id, viewer="u9") == 1
    assert services.template_view_record(template_id=template.id, viewer="u9") == 1
    assert CodeTemplate.objects.get(pk=template.id).view_count == 1
