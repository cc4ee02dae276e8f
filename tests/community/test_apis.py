"""The API: shapes, cursor pagination, IDOR (another user's things are 404 or 403, never
changed), the zip, the schema, and likes racing each other."""

import io
import threading
import zipfile

import pytest
from django.db import connection

from community import services
from community.models import Post, PostLike
from tests.community.conftest import bulk_posts

pytestmark = pytest.mark.django_db


def test_create_read_update_delete_a_post(auth_client, user, other_api, anon_api):
    created = auth_client.post("/api/v1/community/posts/", {
        "type": "code-share", "title": "Fast IO in Python", "body": "[x](javascript:alert(1))",
        "tags": ["python"], "code_language": "python", "code": "import sys"}, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["type"] == "code-share" and 'href="javascript' not in data["body_html"]
    assert data["author"]["username"] == user.username and data["viewer_liked"] is False
    post_id = data["id"]
    assert anon_api.get(f"/api/v1/community/posts/{post_id}/").status_code == 200  # public read
    patched = auth_client.patch(f"/api/v1/community/posts/{post_id}/", {"title": "Faster IO"}, format="json")
    assert patched.json()["title"] == "Faster IO" and patched.json()["body"] == "[x](javascript:alert(1))"
    denied = other_api.patch(f"/api/v1/community/posts/{post_id}/", {"title": "Mine"}, format="json")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "not_author"
    assert other_api.delete(f"/api/v1/community/posts/{post_id}/").status_code == 403
    assert auth_client.delete(f"/api/v1/community/posts/{post_id}/").status_code == 204
    assert auth_client.get(f"/api/v1/community/posts/{post_id}/").json()["error"]["code"] == "not_found"


def test_feed_uses_a_cursor_and_validates_its_query(anon_api, other_user):
    api_client = anon_api
    bulk_posts(other_user, 30)
    first = api_client.get("/api/v1/community/posts/?sort=trending&page_size=10").json()
    assert len(first["results"]) == 10 and "count" not in first and first["next"]
    second = api_client.get(first["next"]).json()
    ids = [p["id"] for p in first["results"]] + [p["id"] for p in second["results"]]
    assert len(set(ids)) == 20
    scores = [p["hot_score"] for p in first["results"] + second["results"]]
    assert scores == sorted(scores, reverse=True)
    bad = api_client.get("/api/v1/community/posts/?sort=loudest")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_query"
    assert api_client.get("/api/v1/community/posts/?cursor=garbage").status_code == 404


def test_likes_bookmarks_comments_and_accept(auth_client, user, other_api, anon_api, make_post):
    post = make_post(type="help")
    api_client = other_api
    assert api_client.post(f"/api/v1/community/posts/{post.id}/like/").json() == {"active": True, "count": 1}
    assert api_client.post(f"/api/v1/community/posts/{post.id}/like/").json() == {"active": True, "count": 1}
    assert api_client.delete(f"/api/v1/community/posts/{post.id}/like/").json() == {"active": False, "count": 0}
    assert api_client.post(f"/api/v1/community/posts/{post.id}/bookmark/").json()["active"] is True
    assert [p["id"] for p in api_client.get("/api/v1/community/bookmarks/").json()["results"]] == [post.id]
    top = api_client.post(f"/api/v1/community/posts/{post.id}/comments/", {"body": "Answer"}, format="json").json()
    reply = auth_client.post(f"/api/v1/community/posts/{post.id}/comments/", {"body": "Thanks", "parent": top["id"]},
                             format="json").json()
    assert reply["depth"] == 1 and reply["parent"] == top["id"]
    thread = api_client.get(f"/api/v1/community/posts/{post.id}/comments/").json()
    assert thread["count"] == 2 and [c["id"] for c in thread["results"]] == [top["id"], reply["id"]]
    assert api_client.post(f"/api/v1/community/posts/{post.id}/accept/", {"comment": top["id"]},
                           format="json").status_code == 403
    accepted = auth_client.post(f"/api/v1/community/posts/{post.id}/accept/", {"comment": top["id"]}, format="json")
    assert accepted.json()["accepted_comment"] == top["id"]
    assert auth_client.patch(f"/api/v1/community/comments/{top['id']}/", {"body": "x"},
                             format="json").status_code == 403
    assert api_client.patch(f"/api/v1/community/comments/{top['id']}/", {}, format="json").json()["body"] == "Answer"
    assert auth_client.post(f"/api/v1/community/comments/{top['id']}/flag/", {"reason": "off-topic"},
                            format="json").json()["comment"] == top["id"]
    assert anon_api.post(f"/api/v1/community/comments/{top['id']}/like/").status_code in (401, 403)
    assert auth_client.post(f"/api/v1/community/comments/{top['id']}/like/").json() == {"active": True, "count": 1}
    assert api_client.delete(f"/api/v1/community/comments/{reply['id']}/").status_code == 403
    assert auth_client.post("/api/v1/community/posts/424242/comments/", {"body": "x"},
                            format="json").status_code == 404


def test_views_count_once_for_the_same_viewer(auth_client, make_post):
    post = make_post()
    assert auth_client.post(f"/api/v1/community/posts/{post.id}/view/").json() == {"view_count": 1}
    assert auth_client.post(f"/api/v1/community/posts/{post.id}/view/").json() == {"view_count": 1}


def test_hidden_posts_are_not_found_for_others(other_api, mod_api, make_post):
    post = make_post()
    hidden = mod_api.post(f"/api/v1/community/moderation/posts/{post.id}/", {"action": "hide", "reason": "spam"},
                             format="json")
    assert hidden.status_code == 200 and hidden.json()["is_hidden"] is True
    assert other_api.get(f"/api/v1/community/posts/{post.id}/").status_code == 404
    assert other_api.post(f"/api/v1/community/posts/{post.id}/like/").status_code == 404
    assert other_api.post(f"/api/v1/community/posts/{post.id}/comments/", {"body": "x"}, format="json").status_code == 404


def test_moderation_needs_the_role(auth_client, mod_api, other_api, other_user, make_post):
    post = make_post()
    api_client = other_api
    flag = api_client.post(f"/api/v1/community/posts/{post.id}/flag/", {"reason": "spam"}, format="json")
    assert flag.status_code == 201
    assert api_client.post(f"/api/v1/community/posts/{post.id}/flag/", {"reason": "spam"},
                           format="json").json()["error"]["code"] == "already_flagged"
    assert api_client.get("/api/v1/community/moderation/queue/").status_code == 403
    assert auth_client.post(f"/api/v1/community/moderation/posts/{post.id}/", {"action": "pin", "reason": "x"},
                            format="json").status_code == 403
    queue = mod_api.get("/api/v1/community/moderation/queue/").json()
    assert [f["post"] for f in queue["results"]] == [post.id]
    dismissed = mod_api.post(f"/api/v1/community/moderation/flags/{flag.json()['id']}/dismiss/",
                                {"reason": "fine"}, format="json")
    assert dismissed.json()["status"] == "dismissed"
    suspended = mod_api.post(f"/api/v1/community/moderation/users/{other_user.username}/suspend/",
                             {"days": 1, "reason": "spam"}, format="json")
    assert suspended.status_code == 200
    refused = api_client.post("/api/v1/community/posts/", {"title": "I am back"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "suspended"
    assert api_client.get("/api/v1/community/trust/").json()["suspended_until"]


def test_join_requests(auth_client, other_api, make_post):
    post = make_post(type="collaboration")
    api_client = other_api
    made = api_client.post(f"/api/v1/community/posts/{post.id}/requests/", {"message": "Hi", "skills": ["Go"]},
                           format="json")
    assert made.status_code == 201 and made.json()["status"] == "pending"
    assert api_client.post(f"/api/v1/community/requests/{made.json()['id']}/decide/", {"decision": "accept"},
                           format="json").status_code == 403
    assert len(auth_client.get(f"/api/v1/community/posts/{post.id}/requests/").json()) == 1
    decided = auth_client.post(f"/api/v1/community/requests/{made.json()['id']}/decide/", {"decision": "decline"},
                               format="json")
    assert decided.json()["status"] == "declined"


WEB = [{"path": "index.html", "content": "<h1>Hi</h1>"}, {"path": "app.js", "content": "console.log(1)"}]


def test_templates_api(auth_client, other_api, other_user, settings):
    created = auth_client.post("/api/v1/templates/", {"title": "Hero section", "category": "landing",
                                                      "framework": "tailwind", "files": WEB, "features": ["Dark mode"]},
                               format="json")
    assert created.status_code == 201, created.json()
    tid = created.json()["id"]
    assert created.json()["preview_url"] == f"/templates/{tid}/preview/"
    api_client = other_api
    assert api_client.patch(f"/api/v1/templates/{tid}/", {"title": "Mine"}, format="json").status_code == 403
    assert api_client.post(f"/api/v1/templates/{tid}/star/").json() == {"active": True, "count": 1}
    fork = api_client.post(f"/api/v1/templates/{tid}/fork/").json()
    assert fork["forked_from"] == tid and fork["author"]["username"] == other_user.username
    assert auth_client.get(f"/api/v1/templates/{tid}/").json()["fork_count"] == 1
    download = api_client.get(f"/api/v1/templates/{tid}/download/")
    assert download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert archive.testzip() is None and any(n.endswith("/app.js") for n in archive.namelist())
    settings.TEMPLATE_ZIP_MAX_FILES = 1
    too_big = api_client.get(f"/api/v1/templates/{tid}/download/")
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "template_too_large"
    assert api_client.get("/api/v1/templates/categories/").json() == [{"name": "landing", "count": 2}]
    assert api_client.get("/api/v1/templates/frameworks/").json() == [{"name": "tailwind", "count": 2}]
    assert [t["id"] for t in api_client.get("/api/v1/templates/?sort=stars").json()["results"]][0] == tid
    bad = auth_client.post("/api/v1/templates/", {"title": "Bad", "category": "x1", "files": [
        {"path": "../../etc/passwd", "content": ""}]}, format="json")
    assert bad.status_code == 400 and "files" in bad.json()["error"]["details"]
    assert api_client.post(f"/api/v1/templates/{tid}/run/", {}, format="json").json()["error"]["code"] == "not_runnable"


def test_every_community_operation_is_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in ("/api/v1/community/posts/", "/api/v1/community/posts/{post_id}/comments/",
                 "/api/v1/templates/{template_id}/download/", "/api/v1/community/moderation/queue/"):
        assert path in paths, path


@pytest.mark.django_db(transaction=True)
def test_liking_twice_at_once_counts_once(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for concurrent writers (SQLite serialises every write)")
    author, fan = make_user(), make_user()
    post = Post.objects.create(author=author, title="Race me")
    barrier = threading.Barrier(4)
    results = []

    def like():
        try:
            barrier.wait()
            results.append(services.post_like_set(user=fan, post_id=post.id, liked=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=like) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    post.refresh_from_db()
    assert post.like_count == PostLike.objects.filter(post=post).count() == 1
    assert all(state for state, _ in results) and len(results) == 4
