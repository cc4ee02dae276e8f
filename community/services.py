"""Every write of the community. Counters change only here, in the transaction that inserts or
deletes the row they count: a like, bookmark or star is inserted under a unique constraint and
the counter moves by one only when the insert (or delete) really happened, so two requests
racing to like the same post count once, and a counter always equals its rows."""

import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import NotificationType, User
from accounts.services import notification_send
from analytics import event_log as analytics_verbs
from analytics.event_log import event_record
from core.audit import audit_record
from core.exceptions import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from core.locks import lock_for_update
from core.markdown import render_markdown
from core.rate_limits import minute_budget_spend
from core.roles import MODERATOR, user_has_role

from .engine import trust
from .engine.archive import ArchiveFile, ArchiveTooLarge, build_zip, safe_path
from .engine.ranking import hot_score
from .engine.threads import MAX_DEPTH
from .models import (
    CodeTemplate,
    CollaborationRequest,
    Comment,
    CommentLike,
    Flag,
    FlagReason,
    FlagStatus,
    Post,
    PostBookmark,
    PostDifficulty,
    PostLike,
    PostType,
    PostView,
    RequestStatus,
    Suspension,
    TemplateKind,
    TemplateStar,
    TemplateView,
)

MAX_TAGS = 5
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9+#.-]{0,29}$")
MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_.+-]{1,150})")
MAX_MENTIONS = 10
LINK_RE = re.compile(r"https?://", re.IGNORECASE)
CODE_LANGUAGES = ("python", "javascript", "typescript", "c", "cpp", "java", "go", "rust", "ruby", "kotlin",
                  "csharp", "php", "swift", "sql", "bash")
MAX_CODE_BYTES = 100_000
CHALLENGE_TYPES = ("dsa", "bugfix", "feature")


class RateLimited(ApplicationError):
    code = "throttled"
    status_code = 429
    default_message = "Slow down a little."


class TemplateTooLarge(ApplicationError):
    code = "template_too_large"
    status_code = 413
    default_message = "This template is too large to download."


# --- shared checks ---------------------------------------------------------------------------------


def is_moderator(user) -> bool:
    return bool(user and user.is_authenticated and user_has_role(user, MODERATOR))


def active_suspension(user) -> Suspension | None:
    return (Suspension.objects.filter(user=user, until__gt=timezone.now(), lifted_at__isnull=True)
            .order_by("-until").first())


def _require_can_write(user) -> None:
    if not user.is_active:
        raise Forbidden("This account is not active.", code="inactive")
    suspension = active_suspension(user)
    if suspension is not None:
        raise Forbidden(f"You are suspended from the community until {suspension.until:%Y-%m-%d %H:%M} UTC: "
                        f"{suspension.reason}", code="suspended",
                        details={"until": suspension.until.isoformat()})


def user_activity(user) -> trust.Activity:
    """What the trust level is computed from (three small counts)."""
    contributions = (Post.objects.filter(author=user, is_hidden=False).count()
                     + Comment.objects.filter(author=user, is_hidden=False, is_deleted=False).count())
    likes = (PostLike.objects.filter(post__author=user).exclude(user=user).count()
             + CommentLike.objects.filter(comment__author=user).exclude(user=user).count())
    age = (timezone.now() - user.date_joined).total_seconds() / 86400
    return trust.Activity(account_age_days=age, contributions=contributions, likes_received=likes,
                          is_moderator=is_moderator(user))


def user_trust_level(user) -> int:
    return trust.trust_level(user_activity(user))


def _require_within_limits(user, *, what: str, text: str = "") -> None:
    level = user_trust_level(user)
    since = timezone.now() - timedelta(hours=24)
    allowed = trust.limit(level, what)
    if allowed is not None:
        model = Post if what == "posts" else Comment
        done = model.objects.filter(author=user, created_at__gte=since).count()
        if done >= allowed:
            raise RateLimited(
                f"As a {trust.LEVEL_NAMES[level]} member you can write {allowed} {what} a day; this limit "
                "lifts as you take part.", details={"trust_level": level, "limit": allowed})
    links = trust.limit(level, "links")
    if links is not None and len(LINK_RE.findall(text)) > links:
        raise ValidationFailed(f"New members can include at most {links} links.", code="too_many_links",
                               details={"trust_level": level, "limit": links})


def _clean_tags(tags) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = [t for t in re.split(r"[,\s]+", tags) if t]
    cleaned: list[str] = []
    for tag in tags:
        tag = str(tag).strip().lower().lstrip("#")
        if not TAG_RE.match(tag):
            raise ValidationFailed(f"{tag!r} is not a tag: letters, digits, + # . - up to 30 characters.",
                                   code="invalid_tag", details={"tags": [f"Bad tag {tag!r}."]})
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed(f"At most {MAX_TAGS} tags.", code="too_many_tags", details={"tags": ["Too many."]})
    return cleaned


def _tags_text(tags: list[str]) -> str:
    return ("," + ",".join(tags) + ",") if tags else ""


def _mentioned_users(text: str, *, exclude: set[int]) -> list[User]:
    names = list(dict.fromkeys(MENTION_RE.findall(text or "")))[:MAX_MENTIONS]
    if not names:
        return []
    return [u for u in User.objects.filter(username__in=names, is_active=True) if u.id not in exclude]


def _notify_mentions(*, text: str, before: str, author: User, url: str, where: str) -> None:
    """Tell users newly mentioned in `text` (those already mentioned in `before` heard once)."""
    already = {u.id for u in _mentioned_users(before, exclude=set())} if before else set()
    for person in _mentioned_users(text, exclude={author.id} | already):
        notification_send(user=person, type=NotificationType.SOCIAL,
                          title=f"{author.display_name} mentioned you {where}", url=url,
                          data={"by": author.username})


def post_url(post: Post) -> str:
    return f"/community/posts/{post.id}/"


def _rescore(post_id: int) -> None:
    post = Post.objects.only("like_count", "comment_count", "created_at").get(pk=post_id)
    Post.objects.filter(pk=post_id).update(
        hot_score=hot_score(likes=post.like_count, comments=post.comment_count, created=post.created_at))


# --- posts -----------------------------------------------------------------------------------------


def _validated_post_fields(*, author: User, data: dict) -> dict:
    from challenges.models import Challenge, Submission

    fields: dict = {}
    if "type" in data:
        if data["type"] not in PostType.values:
            raise ValidationFailed("Unknown post type.", code="invalid_type", details={"type": ["Unknown."]})
        fields["type"] = data["type"]
    if "title" in data:
        title = (data["title"] or "").strip()
        if len(title) < 3 or len(title) > 200:
            raise ValidationFailed("A title is 3 to 200 characters.", code="invalid_title",
                                   details={"title": ["3 to 200 characters."]})
        fields["title"] = title
    if "body" in data:
        body = data["body"] or ""
        if len(body) > 40_000:
            raise ValidationFailed("The text is limited to 40,000 characters.", code="body_too_long",
                                   details={"body": ["Too long."]})
        fields["body"] = body
        fields["body_html"] = render_markdown(body)
    if "tags" in data:
        fields["tags"] = _clean_tags(data["tags"])
        fields["tags_text"] = _tags_text(fields["tags"])
    if "difficulty" in data:
        if data["difficulty"] and data["difficulty"] not in PostDifficulty.values:
            raise ValidationFailed("Unknown difficulty.", code="invalid_difficulty")
        fields["difficulty"] = data["difficulty"] or ""
    if "challenge_type" in data:
        if data["challenge_type"] and data["challenge_type"] not in CHALLENGE_TYPES:
            raise ValidationFailed("Unknown challenge type.", code="invalid_challenge_type")
        fields["challenge_type"] = data["challenge_type"] or ""
    if "code_language" in data:
        if data["code_language"] and data["code_language"] not in CODE_LANGUAGES:
            raise ValidationFailed("Unknown language for the snippet.", code="invalid_language",
                                   details={"code_language": [f"One of {', '.join(CODE_LANGUAGES)}."]})
        fields["code_language"] = data["code_language"] or ""
    for name in ("code", "project_html", "project_css", "project_js"):
        if name in data:
            value = data[name] or ""
            if "\x00" in value or len(value.encode("utf-8", errors="surrogatepass")) > MAX_CODE_BYTES:
                raise ValidationFailed(f"{name} is limited to {MAX_CODE_BYTES:,} bytes of text.",
                                       code="code_too_long", details={name: ["Too long."]})
            fields[name] = value
    if "github_url" in data:
        url = (data["github_url"] or "").strip()
        if url and not re.match(r"^https://(www\.)?github\.com/[\w.-]+(/[\w./-]*)?$", url):
            raise ValidationFailed("The GitHub link must be an https://github.com/ address.",
                                   code="invalid_github_url", details={"github_url": ["Not a GitHub URL."]})
        fields["github_url"] = url
    if "demo_url" in data:
        url = (data["demo_url"] or "").strip()
        if url and (not re.match(r"^https?://[^\s/]+", url) or len(url) > 200):
            raise ValidationFailed("The demo link must be an http(s) address.", code="invalid_demo_url",
                                   details={"demo_url": ["Not an http(s) URL."]})
        fields["demo_url"] = url
    if "linked_submission" in data:
        sid = data["linked_submission"]
        if sid in (None, ""):
            fields["linked_submission"] = None
        else:
            # Only the author's own: someone else's id is "not found", whoever they are.
            submission = Submission.objects.filter(pk=sid, user=author).first()
            if submission is None:
                raise NotFound("You have no submission with that id.", code="submission_not_found")
            fields["linked_submission"] = submission
    if "linked_challenge" in data:
        slug = data["linked_challenge"]
        if not slug:
            fields["linked_challenge"] = None
        else:
            challenge = Challenge.objects.filter(slug=slug, author=author).first()
            if challenge is None:
                raise NotFound("You have no challenge with that slug.", code="challenge_not_found")
            fields["linked_challenge"] = challenge
    return fields


def post_create(*, author: User, title: str, body: str = "", type: str = PostType.DISCUSSION, **extra) -> Post:
    """A new post by `author`, sanitised, within the author's trust-level limits; mentioned
    users are notified after commit."""
    _require_can_write(author)
    data = {"title": title, "body": body, "type": type, **extra}
    fields = _validated_post_fields(author=author, data=data)
    _require_within_limits(author, what="posts", text=fields.get("body", ""))
    with transaction.atomic():
        post = Post.objects.create(author=author, **fields)
        Post.objects.filter(pk=post.pk).update(hot_score=hot_score(likes=0, comments=0, created=post.created_at))
        _notify_mentions(text=post.body, before="", author=author, url=post_url(post), where="in a post")
        event_record(actor=author, verb=analytics_verbs.POST_CREATED, obj=post)
    post.refresh_from_db()
    return post


def _own_post_for_update(*, user: User, post_id: int) -> Post:
    post = lock_for_update(Post.objects.filter(pk=post_id)).first()
    if post is None or (post.is_hidden and post.author_id != user.id and not is_moderator(user)):
        raise NotFound("No such post.")
    if post.author_id != user.id:
        raise Forbidden("You can only change your own posts.", code="not_author")
    return post


def post_update(*, user: User, post_id: int, **data) -> Post:
    _require_can_write(user)
    with transaction.atomic():
        post = _own_post_for_update(user=user, post_id=post_id)
        before = post.body
        fields = _validated_post_fields(author=user, data=data)
        for name, value in fields.items():
            setattr(post, name, value)
        post.edited_at = timezone.now()
        post.save()
        if "body" in fields:
            _notify_mentions(text=post.body, before=before, author=user, url=post_url(post), where="in a post")
    return post


def post_delete(*, user: User, post_id: int) -> None:
    with transaction.atomic():
        post = _own_post_for_update(user=user, post_id=post_id)
        post.delete()


def _visible_post_for_update(*, user, post_id: int) -> Post:
    post = lock_for_update(Post.objects.filter(pk=post_id)).first()
    if post is None or (post.is_hidden and post.author_id != user.id and not is_moderator(user)):
        raise NotFound("No such post.")
    return post


def _visible_post(*, user, post_id: int) -> Post:
    post = Post.objects.filter(pk=post_id).first()
    if post is None or (post.is_hidden and post.author_id != getattr(user, "id", None) and not is_moderator(user)):
        raise NotFound("No such post.")
    return post


def _set_row(model, counter_model, counter: str, *, on: bool, lookup: dict, target_pk: int) -> bool:
    """Insert or delete one counted row; move `counter` on `counter_model` by one only if the
    row really appeared or went. Returns whether the row exists afterwards."""
    if on:
        try:
            with transaction.atomic():
                model.objects.create(**lookup)
        except IntegrityError:
            return True  # already there (perhaps inserted a moment ago by a racing request)
        counter_model.objects.filter(pk=target_pk).update(**{counter: F(counter) + 1})
        return True
    deleted, _ = model.objects.filter(**lookup).delete()
    if deleted:
        counter_model.objects.filter(pk=target_pk).update(**{counter: F(counter) - 1})
    return False


def post_like_set(*, user: User, post_id: int, liked: bool) -> tuple[bool, int]:
    """Like or unlike; idempotent. Returns (liked, like count)."""
    _require_can_write(user)
    post = _visible_post(user=user, post_id=post_id)
    with transaction.atomic():
        had = PostLike.objects.filter(post=post, user=user).exists()
        state = _set_row(PostLike, Post, "like_count", on=liked, lookup={"post": post, "user": user},
                         target_pk=post.pk)
        if state and not had:
            event_record(actor=user, verb=analytics_verbs.POST_LIKED, obj=post)
        _rescore(post.pk)
    return state, Post.objects.values_list("like_count", flat=True).get(pk=post.pk)


def post_like_toggle(*, user: User, post_id: int) -> tuple[bool, int]:
    liked = PostLike.objects.filter(post_id=post_id, user=user).exists()
    return post_like_set(user=user, post_id=post_id, liked=not liked)


def post_bookmark_set(*, user: User, post_id: int, bookmarked: bool) -> tuple[bool, int]:
    post = _visible_post(user=user, post_id=post_id)
    with transaction.atomic():
        state = _set_row(PostBookmark, Post, "bookmark_count", on=bookmarked,
                         lookup={"post": post, "user": user}, target_pk=post.pk)
    return state, Post.objects.values_list("bookmark_count", flat=True).get(pk=post.pk)


def post_bookmark_toggle(*, user: User, post_id: int) -> tuple[bool, int]:
    marked = PostBookmark.objects.filter(post_id=post_id, user=user).exists()
    return post_bookmark_set(user=user, post_id=post_id, bookmarked=not marked)


def post_view_record(*, post_id: int, viewer: str, user=None) -> int:
    """Count a view once per viewer (a user id or a session hash) per day. Returns the count."""
    post = _visible_post(user=user, post_id=post_id)
    _set_row(PostView, Post, "view_count", on=True,
             lookup={"post": post, "viewer": viewer[:64], "day": timezone.localdate()}, target_pk=post.pk)
    return Post.objects.values_list("view_count", flat=True).get(pk=post.pk)


def post_accept_answer(*, user: User, post_id: int, comment_id: int | None) -> Post:
    """The author of a help post marks one comment as the answer (or none); its author hears."""
    with transaction.atomic():
        post = _own_post_for_update(user=user, post_id=post_id)
        if post.type != PostType.HELP:
            raise Conflict("Only help posts have an accepted answer.", code="not_help")
        comment = None
        if comment_id is not None:
            comment = Comment.objects.filter(pk=comment_id, post=post, is_deleted=False, is_hidden=False).first()
            if comment is None:
                raise NotFound("No such comment on this post.")
        post.accepted_comment = comment
        post.save(update_fields=["accepted_comment", "updated_at"])
        if comment is not None and comment.author_id != user.id:
            notification_send(user=comment.author, type=NotificationType.SOCIAL,
                              title=f"{user.display_name} accepted your answer",
                              url=post_url(post) + f"#comment-{comment.id}", data={"post_id": post.id})
    return post


# --- comments --------------------------------------------------------------------------------------


def _recount_comments(post_id: int) -> None:
    live = (Comment.objects.filter(post=OuterRef("pk"), is_deleted=False).order_by()
            .values("post").annotate(n=Count("id")).values("n"))
    Post.objects.filter(pk=post_id).update(comment_count=Coalesce(Subquery(live), 0))
    _rescore(post_id)


def comment_create(*, author: User, post_id: int, body: str, parent_id: int | None = None) -> Comment:
    """A comment or a reply to one. Refused on locked threads (moderators may still answer).
    The post's author and the parent's author are notified, and anyone mentioned."""
    _require_can_write(author)
    body = (body or "").strip()
    if not body or len(body) > 10_000:
        raise ValidationFailed("A comment is 1 to 10,000 characters.", code="invalid_body",
                               details={"body": ["1 to 10,000 characters."]})
    _require_within_limits(author, what="comments", text=body)
    with transaction.atomic():
        # The post's row lock orders comment writes on one post, so the count stays exact.
        post = _visible_post_for_update(user=author, post_id=post_id)
        if post.is_locked and not is_moderator(author):
            raise Conflict("This thread is locked.", code="locked")
        parent = None
        if parent_id is not None:
            parent = Comment.objects.filter(pk=parent_id, post=post).first()
            if parent is None:
                raise NotFound("No such comment to reply to.")
            if parent.depth + 1 > MAX_DEPTH:
                raise ValidationFailed("This thread is too deep to reply further.", code="too_deep")
        comment = Comment.objects.create(post=post, author=author, parent=parent,
                                         depth=parent.depth + 1 if parent else 0, body=body,
                                         body_html=render_markdown(body))
        _recount_comments(post.pk)
        event_record(actor=author, verb=analytics_verbs.COMMENT_CREATED, obj=comment)
        url = post_url(post) + f"#comment-{comment.id}"
        told = {author.id}
        if parent is not None and parent.author_id not in told and not parent.is_deleted:
            notification_send(user=parent.author, type=NotificationType.SOCIAL,
                              title=f"{author.display_name} replied to your comment", url=url)
            told.add(parent.author_id)
        if post.author_id not in told:
            notification_send(user=post.author, type=NotificationType.SOCIAL,
                              title=f"{author.display_name} commented on “{post.title[:80]}”", url=url)
            told.add(post.author_id)
        for person in _mentioned_users(body, exclude=told):
            notification_send(user=person, type=NotificationType.SOCIAL,
                              title=f"{author.display_name} mentioned you in a comment", url=url)
    return comment


def _own_comment(*, user: User, comment_id: int) -> Comment:
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or comment.is_deleted or (
            (comment.is_hidden or comment.post.is_hidden) and comment.author_id != user.id and not is_moderator(user)):
        raise NotFound("No such comment.")
    if comment.author_id != user.id:
        raise Forbidden("You can only change your own comments.", code="not_author")
    return comment


def comment_update(*, user: User, comment_id: int, body: str) -> Comment:
    _require_can_write(user)
    body = (body or "").strip()
    if not body or len(body) > 10_000:
        raise ValidationFailed("A comment is 1 to 10,000 characters.", code="invalid_body",
                               details={"body": ["1 to 10,000 characters."]})
    with transaction.atomic():
        comment = _own_comment(user=user, comment_id=comment_id)
        before = comment.body
        comment.body, comment.body_html, comment.edited_at = body, render_markdown(body), timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at", "updated_at"])
        _notify_mentions(text=body, before=before, author=user,
                         url=post_url(comment.post) + f"#comment-{comment.id}", where="in a comment")
    return comment


def comment_delete(*, user: User, comment_id: int) -> None:
    """A comment with replies becomes "[deleted]" (the thread keeps its shape); one without goes."""
    with transaction.atomic():
        comment = _own_comment(user=user, comment_id=comment_id)
        lock_for_update(Post.objects.filter(pk=comment.post_id)).first()
        if comment.replies.exists():
            Comment.objects.filter(pk=comment.pk).update(is_deleted=True, body="", body_html="",
                                                         updated_at=timezone.now())
        else:
            comment.delete()
        Post.objects.filter(pk=comment.post_id, accepted_comment_id=comment.pk).update(accepted_comment=None)
        _recount_comments(comment.post_id)


def comment_like_set(*, user: User, comment_id: int, liked: bool) -> tuple[bool, int]:
    _require_can_write(user)
    comment = Comment.objects.select_related("post").filter(pk=comment_id, is_deleted=False).first()
    if comment is None or ((comment.is_hidden or comment.post.is_hidden) and not is_moderator(user)):
        raise NotFound("No such comment.")
    with transaction.atomic():
        state = _set_row(CommentLike, Comment, "like_count", on=liked, lookup={"comment": comment, "user": user},
                         target_pk=comment.pk)
    return state, Comment.objects.values_list("like_count", flat=True).get(pk=comment.pk)


def comment_like_toggle(*, user: User, comment_id: int) -> tuple[bool, int]:
    liked = CommentLike.objects.filter(comment_id=comment_id, user=user).exists()
    return comment_like_set(user=user, comment_id=comment_id, liked=not liked)


# --- collaboration requests -----------------------------------------------------------------------


def collaboration_request_create(*, requester: User, post_id: int, message: str = "", skills=None) -> CollaborationRequest:
    """Ask to join a collaboration post; its author hears of it."""
    _require_can_write(requester)
    post = _visible_post(user=requester, post_id=post_id)
    if post.type != PostType.COLLABORATION:
        raise Conflict("Only collaboration posts take requests to join.", code="not_collaboration")
    if post.author_id == requester.id:
        raise Conflict("This is your own post.", code="own_post")
    if len(message or "") > 2000:
        raise ValidationFailed("The message is limited to 2,000 characters.", code="message_too_long")
    skills = [str(s).strip()[:40] for s in (skills or []) if str(s).strip()][:20]
    try:
        with transaction.atomic():
            request = CollaborationRequest.objects.create(post=post, requester=requester,
                                                          message=(message or "").strip(), skills=skills)
            notification_send(user=post.author, type=NotificationType.SOCIAL,
                              title=f"{requester.display_name} asked to join “{post.title[:80]}”",
                              url=post_url(post) + "#requests", data={"request_id": request.id})
    except IntegrityError:
        raise Conflict("You have already asked to join.", code="already_requested")
    return request


def collaboration_request_decide(*, user: User, request_id: int, accept: bool) -> CollaborationRequest:
    with transaction.atomic():
        request = lock_for_update(CollaborationRequest.objects.select_related("post")
                                  .filter(pk=request_id)).first()
        if request is None or (request.post.author_id != user.id and request.requester_id != user.id):
            raise NotFound("No such request.")
        if request.post.author_id != user.id:
            raise Forbidden("Only the post's author decides.", code="not_author")
        if request.status != RequestStatus.PENDING:
            raise Conflict(f"This request was already {request.status}.", code="already_decided")
        request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at", "updated_at"])
        notification_send(user=request.requester, type=NotificationType.SOCIAL,
                          title=f"Your request to join “{request.post.title[:80]}” was {request.status}",
                          url=post_url(request.post))
    return request


# --- moderation ------------------------------------------------------------------------------------


def _require_moderator(user) -> None:
    if not is_moderator(user):
        raise Forbidden("Only moderators can do that.", code="not_moderator")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        raise ValidationFailed("Give a reason (up to 1,000 characters).", code="reason_required",
                               details={"reason": ["Required."]})
    return reason


def flag_create(*, reporter: User, reason: str, details: str = "", post_id: int | None = None,
                comment_id: int | None = None) -> Flag:
    """Report a post or a comment to the moderators, once per person and thing."""
    if reason not in FlagReason.values:
        raise ValidationFailed("Choose a reason.", code="invalid_reason", details={"reason": ["Unknown."]})
    if (post_id is None) == (comment_id is None):
        raise ValidationFailed("Flag either a post or a comment.", code="invalid_target")
    if len(details or "") > 1000:
        raise ValidationFailed("Details are limited to 1,000 characters.", code="details_too_long")
    if comment_id is not None:
        comment = Comment.objects.select_related("post").filter(pk=comment_id, is_deleted=False).first()
        if comment is None or ((comment.is_hidden or comment.post.is_hidden) and not is_moderator(reporter)):
            raise NotFound("No such comment.")
        target: dict[str, Post | Comment | None] = {"comment": comment, "post": comment.post}
    else:
        assert post_id is not None  # one of the two, checked above
        target = {"post": _visible_post(user=reporter, post_id=post_id), "comment": None}
    if not minute_budget_spend(f"community-flags:{reporter.id}", 10):
        raise RateLimited("You have flagged a lot this minute; wait a moment.")
    try:
        with transaction.atomic():
            return Flag.objects.create(reporter=reporter, reason=reason, details=(details or "").strip(), **target)
    except IntegrityError:
        raise Conflict("You have already flagged this.", code="already_flagged")


POST_ACTIONS = {
    "hide": ("is_hidden", True), "unhide": ("is_hidden", False),
    "pin": ("is_pinned", True), "unpin": ("is_pinned", False),
    "feature": ("is_featured", True), "unfeature": ("is_featured", False),
    "lock": ("is_locked", True), "unlock": ("is_locked", False),
}
_TOLD = {"hide": "was hidden by a moderator", "unhide": "is visible again", "pin": "was pinned",
         "feature": "was featured", "lock": "was locked (no new comments)", "unlock": "was unlocked"}


def post_moderate(*, moderator: User, post_id: int, action: str, reason: str) -> Post:
    """Hide, pin, feature or lock a post (or undo it), with a reason: audited, the open flags on
    the post resolved, the author told."""
    _require_moderator(moderator)
    if action not in POST_ACTIONS:
        raise ValidationFailed("Unknown action.", code="invalid_action",
                               details={"action": [f"One of {', '.join(POST_ACTIONS)}."]})
    reason = _reason(reason)
    field, value = POST_ACTIONS[action]
    with transaction.atomic():
        post = lock_for_update(Post.objects.filter(pk=post_id)).first()
        if post is None:
            raise NotFound("No such post.")
        before = getattr(post, field)
        setattr(post, field, value)
        post.save(update_fields=[field, "updated_at"])
        audit_record(action=f"community.post_{action}", actor=moderator, subject=post.author, target=post,
                     target_label=post.title, changes={field: [before, value], "reason": [None, reason]})
        Flag.objects.filter(post=post, comment__isnull=True, status=FlagStatus.OPEN).update(
            status=FlagStatus.RESOLVED, resolved_by=moderator, resolution=f"{action}: {reason}",
            updated_at=timezone.now())
        if action in _TOLD and post.author_id != moderator.id:
            notification_send(user=post.author, type=NotificationType.SYSTEM,
                              title=f"Your post “{post.title[:80]}” {_TOLD[action]}", body=f"Reason: {reason}",
                              url=post_url(post))
    return post


def comment_moderate(*, moderator: User, comment_id: int, action: str, reason: str) -> Comment:
    _require_moderator(moderator)
    if action not in ("hide", "unhide"):
        raise ValidationFailed("Comments can be hidden or unhidden.", code="invalid_action")
    reason = _reason(reason)
    with transaction.atomic():
        comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
        if comment is None:
            raise NotFound("No such comment.")
        before, comment.is_hidden = comment.is_hidden, action == "hide"
        comment.save(update_fields=["is_hidden", "updated_at"])
        audit_record(action=f"community.comment_{action}", actor=moderator, subject=comment.author,
                     target=comment, target_label=comment.body[:100],
                     changes={"is_hidden": [before, comment.is_hidden], "reason": [None, reason]})
        Flag.objects.filter(comment=comment, status=FlagStatus.OPEN).update(
            status=FlagStatus.RESOLVED, resolved_by=moderator, resolution=f"{action}: {reason}",
            updated_at=timezone.now())
        if comment.author_id != moderator.id:
            notification_send(user=comment.author, type=NotificationType.SYSTEM,
                              title="Your comment was hidden by a moderator" if comment.is_hidden
                              else "Your comment is visible again", body=f"Reason: {reason}",
                              url=post_url(comment.post))
    return comment


def flag_dismiss(*, moderator: User, flag_id: int, reason: str) -> Flag:
    _require_moderator(moderator)
    reason = _reason(reason)
    with transaction.atomic():
        flag = Flag.objects.filter(pk=flag_id, status=FlagStatus.OPEN).first()
        if flag is None:
            raise NotFound("No such open flag.")
        flag.status, flag.resolved_by, flag.resolution = FlagStatus.DISMISSED, moderator, reason
        flag.save(update_fields=["status", "resolved_by", "resolution", "updated_at"])
        audit_record(action="community.flag_dismiss", actor=moderator, target=flag, target_label=flag.reason,
                     changes={"status": [FlagStatus.OPEN, FlagStatus.DISMISSED], "reason": [None, reason]})
    return flag


def user_suspend(*, moderator: User, user: User, days: int, reason: str) -> Suspension:
    """Stop `user` writing in the community for `days` days (1 to 365); audited, user told."""
    _require_moderator(moderator)
    reason = _reason(reason)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise ValidationFailed("Suspend for 1 to 365 days.", code="invalid_days", details={"days": ["1 to 365."]})
    if user.id == moderator.id:
        raise Conflict("You cannot suspend yourself.", code="self_suspend")
    if is_moderator(user) and not user_has_role(moderator, "admin"):
        raise Forbidden("Only admins can suspend moderators.", code="not_admin")
    with transaction.atomic():
        suspension = Suspension.objects.create(user=user, until=timezone.now() + timedelta(days=days),
                                               reason=reason, by=moderator)
        audit_record(action="community.user_suspend", actor=moderator, subject=user, target=user,
                     changes={"suspended_days": [None, days], "reason": [None, reason]})
        notification_send(user=user, type=NotificationType.SYSTEM,
                          title=f"You are suspended from the community for {days} day{'s' if days != 1 else ''}",
                          body=f"Reason: {reason}")
    return suspension


def user_unsuspend(*, moderator: User, user: User, reason: str) -> int:
    _require_moderator(moderator)
    reason = _reason(reason)
    with transaction.atomic():
        lifted = Suspension.objects.filter(user=user, until__gt=timezone.now(), lifted_at__isnull=True).update(
            lifted_at=timezone.now())
        if lifted:
            audit_record(action="community.user_unsuspend", actor=moderator, subject=user, target=user,
                         changes={"reason": [None, reason]})
            notification_send(user=user, type=NotificationType.SYSTEM,
                              title="Your community suspension was lifted", body=f"Reason: {reason}")
    return lifted


# --- code templates --------------------------------------------------------------------------------


def _validated_files(files, *, kind: str) -> list[dict]:
    if not isinstance(files, list) or not files:
        raise ValidationFailed("A template has at least one file.", code="no_files", details={"files": ["Required."]})
    if len(files) > settings.TEMPLATE_MAX_FILES:
        raise ValidationFailed(f"At most {settings.TEMPLATE_MAX_FILES} files.", code="too_many_files",
                               details={"files": [f"At most {settings.TEMPLATE_MAX_FILES}."]})
    cleaned, seen, total = [], set(), 0
    for item in files:
        if not isinstance(item, dict) or not isinstance(item.get("path"), str) or not isinstance(item.get("content"), str):
            raise ValidationFailed("Each file is {\"path\", \"content\"}.", code="invalid_file")
        try:
            path = safe_path(item["path"].strip())
        except ValueError as error:
            raise ValidationFailed(str(error), code="invalid_path", details={"files": [str(error)]})
        if path in seen:
            raise Conflict(f"Two files have the path {path}.", code="duplicate_path")
        if "\x00" in item["content"]:
            raise ValidationFailed(f"{path} holds binary data; templates are text.", code="binary_file")
        seen.add(path)
        total += len(item["content"].encode("utf-8", errors="surrogatepass"))
        cleaned.append({"path": path, "content": item["content"]})
    if total > settings.TEMPLATE_MAX_BYTES:
        raise ValidationFailed(f"The files hold {total:,} bytes; the limit is {settings.TEMPLATE_MAX_BYTES:,}.",
                               code="template_too_large")
    return cleaned


def _validated_template_fields(data: dict, *, current: CodeTemplate | None = None) -> dict:
    from challenges.judge_gateway import SOURCE_FILES

    fields: dict = {}
    kind = data.get("kind", current.kind if current else TemplateKind.WEB)
    if kind not in TemplateKind.values:
        raise ValidationFailed("Unknown kind.", code="invalid_kind")
    fields["kind"] = kind
    for name, low, high in (("title", 3, 120), ("category", 2, 40)):
        if name in data or current is None:
            value = (data.get(name) or "").strip()
            if not low <= len(value) <= high:
                raise ValidationFailed(f"{name} is {low} to {high} characters.", code=f"invalid_{name}",
                                       details={name: [f"{low} to {high} characters."]})
            fields[name] = value if name == "title" else value.lower()
    if "framework" in data:
        fields["framework"] = (data["framework"] or "").strip().lower()[:40]
    if "description" in data:
        if len(data["description"] or "") > 5000:
            raise ValidationFailed("The description is limited to 5,000 characters.", code="description_too_long")
        fields["description"] = data["description"] or ""
        fields["description_html"] = render_markdown(fields["description"])
    if "difficulty" in data:
        if data["difficulty"] not in PostDifficulty.values:
            raise ValidationFailed("Unknown difficulty.", code="invalid_difficulty")
        fields["difficulty"] = data["difficulty"]
    if "tags" in data:
        fields["tags"] = _clean_tags(data["tags"])
        fields["tags_text"] = _tags_text(fields["tags"])
    if "features" in data:
        features = data["features"] or []
        if isinstance(features, str):
            features = [f for f in features.splitlines()]
        fields["features"] = [str(f).strip()[:80] for f in features if str(f).strip()][:20]
    if "files" in data or current is None:
        fields["files"] = _validated_files(data.get("files"), kind=kind)
    files = fields.get("files", current.files if current else [])
    if kind == TemplateKind.PROJECT:
        language = data.get("language", current.language if current else "")
        if language not in SOURCE_FILES:
            raise Conflict("A project in a judge language needs its language.", code="language_required",
                           details={"language": [f"One of {', '.join(SOURCE_FILES)}."]})
        entry = data.get("entry") or (current.entry if current else "") or SOURCE_FILES[language]
        if entry not in {f["path"] for f in files}:
            raise Conflict(f"The entry file {entry} is not among the files.", code="entry_missing",
                           details={"entry": ["Not among the files."]})
        fields["language"], fields["entry"] = language, entry
    else:
        fields["language"], fields["entry"] = "", "index.html"
    return fields


def template_create(*, author: User, **data) -> CodeTemplate:
    _require_can_write(author)
    fields = _validated_template_fields(data)
    return CodeTemplate.objects.create(author=author, **fields)


def _own_template(*, user: User, template_id: int) -> CodeTemplate:
    template = CodeTemplate.objects.filter(pk=template_id).first()
    if template is None or (template.is_hidden and template.author_id != user.id and not is_moderator(user)):
        raise NotFound("No such template.")
    if template.author_id != user.id:
        raise Forbidden("You can only change your own templates.", code="not_author")
    return template


def template_update(*, user: User, template_id: int, **data) -> CodeTemplate:
    _require_can_write(user)
    with transaction.atomic():
        template = _own_template(user=user, template_id=template_id)
        for name, value in _validated_template_fields(data, current=template).items():
            setattr(template, name, value)
        template.save()
    return template


def template_delete(*, user: User, template_id: int) -> None:
    with transaction.atomic():
        template = _own_template(user=user, template_id=template_id)
        if template.forked_from_id:
            CodeTemplate.objects.filter(pk=template.forked_from_id).update(fork_count=F("fork_count") - 1)
        template.delete()


def _visible_template(*, user, template_id: int) -> CodeTemplate:
    template = CodeTemplate.objects.select_related("author", "forked_from").filter(pk=template_id).first()
    if template is None or (template.is_hidden and template.author_id != getattr(user, "id", None)
                            and not is_moderator(user)):
        raise NotFound("No such template.")
    return template


def template_star_set(*, user: User, template_id: int, starred: bool) -> tuple[bool, int]:
    template = _visible_template(user=user, template_id=template_id)
    with transaction.atomic():
        state = _set_row(TemplateStar, CodeTemplate, "star_count", on=starred,
                         lookup={"template": template, "user": user}, target_pk=template.pk)
    return state, CodeTemplate.objects.values_list("star_count", flat=True).get(pk=template.pk)


def template_star_toggle(*, user: User, template_id: int) -> tuple[bool, int]:
    starred = TemplateStar.objects.filter(template_id=template_id, user=user).exists()
    return template_star_set(user=user, template_id=template_id, starred=not starred)


def template_fork(*, user: User, template_id: int) -> CodeTemplate:
    """A copy owned by `user` that names its original; the original's fork count goes up by one
    and its author hears of it."""
    _require_can_write(user)
    original = _visible_template(user=user, template_id=template_id)
    with transaction.atomic():
        fork = CodeTemplate.objects.create(
            author=user, title=original.title[:113] + " (fork)" if not original.title.endswith("(fork)") else original.title,
            description=original.description, description_html=original.description_html, kind=original.kind,
            language=original.language, entry=original.entry, category=original.category,
            framework=original.framework, difficulty=original.difficulty, tags=original.tags,
            tags_text=original.tags_text, features=original.features, files=original.files, forked_from=original)
        CodeTemplate.objects.filter(pk=original.pk).update(fork_count=F("fork_count") + 1)
        if original.author_id != user.id:
            notification_send(user=original.author, type=NotificationType.SOCIAL,
                              title=f"{user.display_name} forked your template “{original.title[:80]}”",
                              url=f"/templates/{fork.id}/")
    return fork


def template_view_record(*, template_id: int, viewer: str, user=None) -> int:
    template = _visible_template(user=user, template_id=template_id)
    _set_row(TemplateView, CodeTemplate, "view_count", on=True,
             lookup={"template": template, "viewer": viewer[:64], "day": timezone.localdate()}, target_pk=template.pk)
    return CodeTemplate.objects.values_list("view_count", flat=True).get(pk=template.pk)


def template_zip(*, user, template_id: int) -> tuple[str, bytes]:
    """The template's files (and a README naming the author and the original of a fork) as a
    zip made now; refuses templates over TEMPLATE_ZIP_MAX_FILES / TEMPLATE_ZIP_MAX_BYTES."""
    template = _visible_template(user=user, template_id=template_id)
    root = re.sub(r"[^a-z0-9]+", "-", template.title.lower()).strip("-")[:60] or f"template-{template.id}"
    credit = f"# {template.title}\n\nBy {template.author.display_name} on PrepForge.\n"
    if template.forked_from is not None:
        credit += f"\nForked from “{template.forked_from.title}” (/templates/{template.forked_from.id}/).\n"
    files = [ArchiveFile(f["path"], f["content"]) for f in template.files]
    if "PREPFORGE.md" not in {f.path for f in files}:
        files.append(ArchiveFile("PREPFORGE.md", credit))
    try:
        data = build_zip(files, root=root, max_files=settings.TEMPLATE_ZIP_MAX_FILES,
                         max_bytes=settings.TEMPLATE_ZIP_MAX_BYTES)
    except ArchiveTooLarge as error:
        raise TemplateTooLarge(str(error), details={"files": error.files, "bytes": error.size,
                                                    "max_files": settings.TEMPLATE_ZIP_MAX_FILES,
                                                    "max_bytes": settings.TEMPLATE_ZIP_MAX_BYTES})
    CodeTemplate.objects.filter(pk=template.pk).update(download_count=F("download_count") + 1)
    return f"{root}.zip", data


def template_run(*, user: User, template_id: int, stdin: str = ""):
    """Run a project template's entry file (its other files beside it) in the judge's sandbox."""
    from challenges.judge import Limits, SourceFile, verdict_for
    from challenges.judge.workdir import BadFile
    from challenges.judge_gateway import require_judge, runtime_for
    from challenges.services import RunOutcome

    template = _visible_template(user=user, template_id=template_id)
    if template.kind != TemplateKind.PROJECT:
        raise Conflict("HTML/CSS/JS templates run in the preview, not the judge.", code="not_runnable")
    if len((stdin or "").encode("utf-8", errors="surrogatepass")) > settings.JUDGE_MAX_STDIN_BYTES:
        raise ValidationFailed("The input is too large.", code="stdin_too_long")
    if not minute_budget_spend(f"template-runs:{user.id}", settings.ROOM_RUNS_PER_PERSON_PER_MINUTE):
        raise RateLimited("You have run code many times this minute; wait a moment.")
    runtime = runtime_for(template.language)
    source = template.file(template.entry)
    others = [SourceFile(f["path"], f["content"].encode()) for f in template.files if f["path"] != template.entry]
    limits = Limits()
    try:
        compiled, execution = require_judge().execute(runtime, source, stdin or "", limits,
                                                      entry_name=template.entry, files=others)
    except BadFile as error:
        raise ValidationFailed(str(error), code="bad_file")
    if execution is None:
        return RunOutcome(runtime.language, runtime.version, False, compiled.output if compiled else "", "", "",
                          None, None, "CE", "CE", "compilation failed", 0, 0, 0)
    return RunOutcome(
        runtime.language, runtime.version, True, compiled.output if compiled else "",
        execution.stdout.decode(errors="replace"), execution.stderr.decode(errors="replace"),
        execution.exit_code, execution.signal, execution.status, str(verdict_for(execution, runtime, limits)),
        execution.message, round(execution.cpu_time, 4), round(execution.wall_time, 4), execution.memory)
