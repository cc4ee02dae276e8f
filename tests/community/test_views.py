"""The pages, with and without htmx: feed, post with its thread, likes, bookmarks, comments,
follows, flags and moderation, templates with preview, download and run."""

import io
import zipfile

import pytest
from django.urls import reverse

from community import services
from community.models import Comment, Flag, Post, PostLike
from tests.community.conftest import bulk_posts, bulk_thread

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/community/"}


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_feed_renders_filters_and_more_pages(client, user, other_user):
    bulk_posts(other_user, 25)
    page = client.get("/community/?sort=trending&tag=python")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('class="card post-card"') == 20 and "More posts" in body
    more = client.get("/community/?sort=trending&tag=python&page=2&more=1", **HX)
    assert more.content.decode().count('class="card post-card"') == 5
    assert client.get("/community/?sort=bogus&type=nope&page=x").status_code == 200


def test_feed_page_queries_do_not_grow_with_posts(client, user, other_user, django_assert_num_queries):
    client.force_login(user)
    bulk_posts(other_user, 5)
    client.get("/community/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/community/")
    bulk_posts(other_user, 40)
    with CaptureQueriesContext(connection) as many:
        client.get("/community/")
    assert len(many) == len(few)


def test_post_journey_with_htmx(signed_in, user, other_user, make_post):
    response = signed_in.post("/community/new/", {"type": "help", "title": "Why is my BFS slow?",
                                                  "body": "Look <script>alert(1)</script>", "tags": "graphs, bfs",
                                                  "code_language": "python", "code": "print('<b>')"})
    post = Post.objects.get(title="Why is my BFS slow?")
    assert response.status_code == 302 and response["Location"] == f"/community/posts/{post.id}/"
    page = signed_in.get(f"/community/posts/{post.id}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "print(&#x27;&lt;b&gt;&#x27;)" in page
    liked = signed_in.post(f"/community/posts/{post.id}/like/", **HX)
    assert 'aria-pressed="true"' in liked.content.decode() and "<html" not in liked.content.decode()
    assert PostLike.objects.filter(post=post).count() == 1
    marked = signed_in.post(f"/community/posts/{post.id}/bookmark/", **HX)
    assert "Bookmarked" in marked.content.decode()
    assert "Why is my BFS slow?" in signed_in.get("/community/bookmarks/").content.decode()
    comment = signed_in.post(f"/community/posts/{post.id}/comments/", {"body": "Use a deque"}, **HX)
    assert "Use a deque" in comment.content.decode() and 'hx-swap-oob="true"' in comment.content.decode()
    top = Comment.objects.get(body="Use a deque")
    reply = signed_in.post(f"/community/posts/{post.id}/comments/", {"body": "Reply!", "parent": top.id}, **HX)
    assert 'data-depth="1"' in reply.content.decode()
    accept = signed_in.post(f"/community/posts/{post.id}/accept/", {"comment": top.id})
    assert accept.status_code == 302
    assert "Accepted answer" in signed_in.get(f"/community/posts/{post.id}/").content.decode()
    view = signed_in.post(f"/community/posts/{post.id}/view/", **HX)
    assert view.content.decode() == "1 view"
    assert signed_in.post(f"/community/posts/{post.id}/view/", **HX).content.decode() == "1 view"


def test_editing_others_content_is_refused_clearly(client, user, other_user, make_post):
    post = make_post()
    comment = services.comment_create(author=user, post_id=post.id, body="mine")
    client.force_login(other_user)
    assert client.get(f"/community/posts/{post.id}/edit/").status_code == 403
    assert client.post(f"/community/posts/{post.id}/delete/").status_code == 302
    assert Post.objects.filter(pk=post.id).exists()
    assert client.get(f"/community/comments/{comment.id}/edit/").status_code == 403
    assert client.post(f"/community/comments/{comment.id}/edit/", {"body": "x"}).status_code == 403
    assert client.post("/community/posts/999999/like/").status_code == 404


def test_errors_come_back_as_a_toast_for_htmx(signed_in, moderator, make_post):
    post = make_post()
    services.post_moderate(moderator=moderator, post_id=post.id, action="lock", reason="calm down")
    response = signed_in.post(f"/community/posts/{post.id}/comments/", {"body": "hey"}, **HX)
    assert response.status_code == 200 and response["HX-Reswap"] == "none"
    assert "This thread is locked." in response.content.decode()


def test_follow_button_on_a_post_uses_htmx(signed_in, other_user, make_post):
    post = make_post(author=other_user)
    page = signed_in.get(f"/community/posts/{post.id}/").content.decode()
    assert f'hx-post="/u/{other_user.username}/follow/"' in page or "follow-toggle" in page or "Follow" in page
    url = reverse("follow-toggle", args=[other_user.username])
    response = signed_in.post(url, {"action": "follow"}, **HX)
    assert "Unfollow" in response.content.decode()


def test_big_thread_page_renders_with_a_flat_query_count(client, user, other_user, make_post):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    post = make_post()
    bulk_thread(post, other_user, 10)
    client.get(f"/community/posts/{post.id}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/community/posts/{post.id}/")
    bulk_thread(post, other_user, 300)
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/community/posts/{post.id}/")
    assert len(many) == len(few)
    assert "Continue this thread" in page.content.decode()


def test_flag_and_moderate_pages(client, user, other_user, moderator, make_post):
    post = make_post()
    client.force_login(other_user)
    assert client.post("/community/flags/", {"post": post.id, "reason": "spam"}, **HX).status_code == 200
    assert client.get("/community/moderation/").status_code == 403
    client.force_login(moderator)
    queue = client.get("/community/moderation/").content.decode()
    assert post.title in queue
    client.post(f"/community/moderation/posts/{post.id}/", {"action": "hide", "reason": "spam", "next": "/community/moderation/"})
    assert Post.objects.get(pk=post.id).is_hidden and Flag.objects.get().status == "resolved"
    client.force_login(other_user)
    assert client.get(f"/community/posts/{post.id}/").status_code == 404
    client.force_login(moderator)
    client.post(f"/community/moderation/users/{user.username}/", {"days": "2", "reason": "spam"})
    assert services.active_suspension(user) is not None


def test_template_pages_preview_download_and_fork(client, user, other_user):
    template = services.template_create(author=user, title="Card", category="ui", files=[
        {"path": "index.html", "content": "<div class=card>Hi</div>"},
        {"path": "style.css", "content": ".card{color:red}"},
        {"path": "script.js", "content": "document.title='x'</script><script>alert(1)"}])
    client.force_login(other_user)
    page = client.get(f"/templates/{template.id}/").content.decode()
    assert 'sandbox="allow-scripts"' in page and "allow-same-origin" not in page
    preview = client.get(f"/templates/{template.id}/preview/")
    assert preview["Content-Security-Policy"].startswith("sandbox allow-scripts;")
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert preview.content.decode().count("</script>") == 1
    download = client.get(f"/templates/{template.id}/download/")
    assert download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert sorted(n.split("/", 1)[1] for n in archive.namelist()) == [
            "PREPFORGE.md", "index.html", "script.js", "style.css"]
    fork = client.post(f"/templates/{template.id}/fork/")
    assert fork.status_code == 302
    forked = client.get(fork["Location"]).content.decode()
    assert "Forked from" in forked
    star = client.post(f"/templates/{template.id}/star/", **HX)
    assert "Starred" in star.content.decode()
    assert "Card" in client.get("/templates/?category=ui&sort=stars").content.decode()


def test_template_download_too_large_is_a_clear_page(client, user, settings):
    template = services.template_create(author=user, title="Big", category="ui",
                                        files=[{"path": "index.html", "content": "x" * 5000}])
    settings.TEMPLATE_ZIP_MAX_BYTES = 1000
    response = client.get(f"/templates/{template.id}/download/")
    assert response.status_code == 413 and "downloads are limited" in response.content.decode()


def test_template_publish_form(signed_in):
    response = signed_in.post("/templates/new/", {"title": "Hero", "kind": "web", "category": "landing",
                                                  "difficulty": "easy", "html": "<h1>Hero</h1>", "css": "h1{}"})
    assert response.status_code == 302
    bad = signed_in.post("/templates/new/", {"title": "Hero", "kind": "project", "category": "cli",
                                             "difficulty": "easy", "language": "python", "files_json": "nope"})
    assert bad.status_code == 200 and "Not valid JSON." in bad.content.decode()


def test_post_project_preview_is_sandboxed(client, user, make_post):
    post = make_post(project_html="<p>x</p>", project_js="parent.location='https://evil.example'")
    response = client.get(f"/community/posts/{post.id}/preview/")
    assert "sandbox allow-scripts" in response["Content-Security-Policy"]
    page = client.get(f"/community/posts/{post.id}/").content.decode()
    assert '<iframe class="preview" title="Preview of the project" sandbox="allow-scripts"' in page


def test_comment_forms_are_fetched_when_asked(signed_in, other_user, moderator, client, make_post):
    post = make_post()
    comment = services.comment_create(author=other_user, post_id=post.id, body="Hello <svg onload=alert(1)>")
    page = signed_in.get(f"/community/posts/{post.id}/").content.decode()
    assert "<svg" not in page and f'hx-get="/community/comments/{comment.id}/reply/"' in page
    reply = signed_in.get(f"/community/comments/{comment.id}/reply/", **HX).content.decode()
    assert "<html" not in reply and f'name="parent" value="{comment.id}"' in reply
    assert "<html" in signed_in.get(f"/community/comments/{comment.id}/reply/").content.decode()
    assert 'name="reason"' in signed_in.get(f"/community/comments/{comment.id}/flag/", **HX).content.decode()
    assert signed_in.get(f"/community/comments/{comment.id}/moderate/", **HX).status_code == 403
    liked = signed_in.post(f"/community/comments/{comment.id}/like/", **HX).content.decode()
    assert 'aria-pressed="true"' in liked
    client.force_login(moderator)
    assert "Reason to hide" in client.get(f"/community/comments/{comment.id}/moderate/", **HX).content.decode()
    client.post(f"/community/moderation/comments/{comment.id}/", {"action": "hide", "reason": "rude"})
    client.force_login(other_user)
    assert "[hidden by a moderator]" not in client.get(f"/community/posts/{post.id}/").content.decode()
    signed_in.force_login(post.author)
    assert "[hidden by a moderator]" in signed_in.get(f"/community/posts/{post.id}/").content.decode()


def test_everything_is_in_the_admin_and_admin_actions_moderate(client, make_user, make_post,
                                                                 django_capture_on_commit_callbacks):
    from core.models import AuditEvent

    admin = make_user(username="root")
    type(admin).objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    client.force_login(admin)
    post = make_post()
    services.comment_create(author=post.author, post_id=post.id, body="hi")
    for model in ("post", "comment", "flag", "suspension", "collaborationrequest", "codetemplate", "postlike",
                  "postbookmark", "postview", "commentlike", "templatestar", "templateview"):
        assert client.get(f"/admin/community/{model}/").status_code == 200, model
    assert client.get(f"/admin/community/post/{post.id}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/community/post/", {"action": "moderate_pin", "_selected_action": [post.id]})
    assert Post.objects.get(pk=post.id).is_pinned
    assert AuditEvent.objects.filter(action="community.post_pin").exists()
