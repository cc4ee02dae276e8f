"""Every read of the community, with the viewer's own state (liked, bookmarked, starred) joined
in as EXISTS subqueries so that a page of any length costs the same number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.fields import BooleanField
from django.utils import timezone

from core.exceptions import NotFound

from .engine.threads import Node, build_tree
from .models import (
    CodeTemplate,
    CollaborationRequest,
    Comment,
    CommentLike,
    Flag,
    FlagStatus,
    Post,
    PostBookmark,
    PostLike,
    TemplateStar,
)
from .services import is_moderator

SORTS = ("new", "top-day", "top-week", "top-all", "trending")
TEMPLATE_SORTS = ("new", "stars", "forks", "views")


def _viewer_flags(qs: QuerySet, viewer, **relations) -> QuerySet:
    """Annotate `viewer_<name>` booleans: whether a row of `model` joins this row to the viewer."""
    annotations = {}
    for name, (model, field) in relations.items():
        if viewer is not None and viewer.is_authenticated:
            annotations[f"viewer_{name}"] = Exists(model.objects.filter(**{field: OuterRef("pk")}, user=viewer))
        else:
            annotations[f"viewer_{name}"] = Value(False, output_field=BooleanField())
    return qs.annotate(**annotations)


def _visible_posts(viewer) -> QuerySet[Post]:
    qs = Post.objects.all()
    if not is_moderator(viewer):
        mine = Q(author=viewer) if viewer is not None and viewer.is_authenticated else Q(pk__in=[])
        qs = qs.filter(Q(is_hidden=False) | mine)
    return qs


def _feed_columns(qs: QuerySet[Post], viewer) -> QuerySet[Post]:
    qs = qs.select_related("author", "author__profile").defer(
        "body", "code", "project_html", "project_css", "project_js")
    return _viewer_flags(qs, viewer, liked=(PostLike, "post"), bookmarked=(PostBookmark, "post"))


def _listed_posts(viewer) -> QuerySet[Post]:
    """What lists show: hidden posts only to moderators (their authors still open them by link).
    A plain `is_hidden = false` lets every order be read from its index."""
    return Post.objects.all() if is_moderator(viewer) else Post.objects.filter(is_hidden=False)


def post_feed(*, viewer, type: str = "", tag: str = "", difficulty: str = "", challenge_type: str = "",
              search: str = "", sort: str = "new", featured: bool = False, author: str = "") -> QuerySet[Post]:
    """The feed, filtered and ordered: new, top of the day / week / all time (by likes), or
    trending (the stored time-decay rank, engine/ranking.py). Ties are broken by id."""
    qs = _listed_posts(viewer)
    if type:
        qs = qs.filter(type=type)
    if tag:
        qs = qs.filter(tags_text__contains=f",{tag.strip().lower().lstrip('#')},")
    if difficulty:
        qs = qs.filter(difficulty=difficulty)
    if challenge_type:
        qs = qs.filter(challenge_type=challenge_type)
    if featured:
        qs = qs.filter(is_featured=True)
    if author:
        qs = qs.filter(author__username=author)
    if search:
        words = search.split()[:8]
        for word in words:
            qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word) | Q(tags_text__contains=word.lower()))
    now = timezone.now()
    if sort == "top-day":
        qs = qs.filter(created_at__gte=now - timedelta(days=1))
    elif sort == "top-week":
        qs = qs.filter(created_at__gte=now - timedelta(days=7))
    return _feed_columns(qs, viewer).order_by(*feed_ordering(sort))


def feed_ordering(sort: str) -> tuple[str, ...]:
    if sort in ("top-day", "top-week", "top-all"):
        return ("-like_count", "-id")
    if sort == "trending":
        return ("-hot_score", "-id")
    return ("-id",)


def pinned_posts(*, viewer) -> list[Post]:
    return list(_feed_columns(_listed_posts(viewer).filter(is_pinned=True), viewer).order_by("-id")[:5])


def bookmarks_of(*, user) -> QuerySet[Post]:
    qs = _visible_posts(user).filter(bookmarks__user=user)
    return _feed_columns(qs, user).order_by("-bookmarks__created_at", "-id")


def post_get_for_user(*, viewer, post_id: int) -> Post:
    """One post with its author, linked challenge and submission and the viewer's state: one
    query. A hidden post is 'not found' except for its author and moderators."""
    qs = _visible_posts(viewer).select_related(
        "author", "author__profile", "linked_challenge", "linked_submission", "linked_submission__challenge")
    qs = _viewer_flags(qs, viewer, liked=(PostLike, "post"), bookmarked=(PostBookmark, "post"))
    post = qs.filter(pk=post_id).first()
    if post is None:
        raise NotFound("No such post.")
    return post


def linked_items_visible(*, viewer, post: Post) -> dict:
    """Which of the post's links this viewer may follow: a submission only to its owner and
    staff (submission_get_for_user's rule), a challenge when it is public and active, or to staff."""
    submission = post.linked_submission
    challenge = post.linked_challenge
    staff = bool(viewer and viewer.is_authenticated and viewer.is_staff)
    return {
        "submission": submission if submission is not None and (
            staff or (viewer is not None and submission.user_id == getattr(viewer, "id", None))) else None,
        "challenge": challenge if challenge is not None and (
            staff or (challenge.is_public and challenge.is_active)) else None,
    }


@dataclass
class Thread:
    roots: list[Node]
    count: int


def comment_thread(*, viewer, post: Post) -> Thread:
    """Every comment of the post in one query (authors and the viewer's likes joined in), as a
    tree. Hidden comments show to their author and moderators only; others see a placeholder
    when the hidden comment has replies."""
    qs = Comment.objects.filter(post=post).select_related("author", "author__profile").order_by("id")
    qs = _viewer_flags(qs, viewer, liked=(CommentLike, "comment"))
    rows = list(qs)
    moderator = is_moderator(viewer)
    viewer_id = getattr(viewer, "id", None)
    for row in rows:
        row.visible_to_viewer = not row.is_hidden or moderator or row.author_id == viewer_id
    return Thread(roots=build_tree(rows), count=sum(1 for r in rows if not r.is_deleted))


def comment_get_for_user(*, viewer, comment_id: int) -> Comment:
    comment = Comment.objects.select_related("author", "author__profile", "post").filter(pk=comment_id).first()
    if comment is None or (comment.post.is_hidden and comment.post.author_id != viewer.id and not is_moderator(viewer)):
        raise NotFound("No such comment.")
    comment.viewer_liked = CommentLike.objects.filter(comment=comment, user=viewer).exists()
    return comment


def collaboration_requests_for(*, viewer, post: Post) -> QuerySet[CollaborationRequest]:
    """The post's author sees every request; anyone else only their own."""
    qs = CollaborationRequest.objects.filter(post=post).select_related("requester", "requester__profile")
    if post.author_id != getattr(viewer, "id", None):
        qs = qs.filter(requester=viewer) if viewer is not None and viewer.is_authenticated else qs.none()
    return qs.order_by("-id")


def moderation_queue(*, status: str = FlagStatus.OPEN) -> QuerySet[Flag]:
    return (Flag.objects.filter(status=status)
            .select_related("reporter", "post", "post__author", "comment", "comment__author", "resolved_by")
            .order_by("-id"))


def community_stats() -> dict:
    return {"posts": Post.objects.filter(is_hidden=False).count(), "comments": Comment.objects.filter(
        is_deleted=False).count(), "templates": CodeTemplate.objects.filter(is_hidden=False).count()}


# --- templates -------------------------------------------------------------------------------------


def _visible_templates(viewer) -> QuerySet[CodeTemplate]:
    qs = CodeTemplate.objects.all()
    if not is_moderator(viewer):
        mine = Q(author=viewer) if viewer is not None and viewer.is_authenticated else Q(pk__in=[])
        qs = qs.filter(Q(is_hidden=False) | mine)
    return qs


def template_list(*, viewer, category: str = "", framework: str = "", kind: str = "", difficulty: str = "",
                  tag: str = "", search: str = "", sort: str = "new", author: str = "") -> QuerySet[CodeTemplate]:
    qs = _visible_templates(viewer)
    if category:
        qs = qs.filter(category=category.lower())
    if framework:
        qs = qs.filter(framework=framework.lower())
    if kind:
        qs = qs.filter(kind=kind)
    if difficulty:
        qs = qs.filter(difficulty=difficulty)
    if tag:
        qs = qs.filter(tags_text__contains=f",{tag.lower()},")
    if author:
        qs = qs.filter(author__username=author)
    for word in search.split()[:8]:
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    order = {"stars": ("-star_count", "-id"), "forks": ("-fork_count", "-id"), "views": ("-view_count", "-id")}
    qs = qs.select_related("author", "author__profile", "forked_from").defer("files", "description")
    return _viewer_flags(qs, viewer, starred=(TemplateStar, "template")).order_by(*order.get(sort, ("-id",)))


def template_get_for_user(*, viewer, template_id: int) -> CodeTemplate:
    qs = _visible_templates(viewer).select_related("author", "author__profile", "forked_from")
    template = _viewer_flags(qs, viewer, starred=(TemplateStar, "template")).filter(pk=template_id).first()
    if template is None:
        raise NotFound("No such template.")
    return template


def template_facets() -> dict:
    """Categories and frameworks in use, with how many visible templates each has."""
    from django.db.models import Count

    visible = CodeTemplate.objects.filter(is_hidden=False)
    return {
        "categories": list(visible.values("category").annotate(count=Count("id")).order_by("category")),
        "frameworks": list(visible.exclude(framework="").values("framework").annotate(count=Count("id"))
                           .order_by("framework")),
    }


def community_overview(*, top: int = 5) -> dict:
    """Community stats for the staff overview: totals of posts, comments, likes, views and template
    downloads, the top contributors (posts + comments) and the most starred templates. A fixed
    number of queries, whatever the size of the community."""
    from django.db.models import Count, Subquery, Sum
    from django.db.models.functions import Coalesce

    from accounts.models import User

    posts = Post.objects.filter(is_hidden=False).aggregate(
        posts=Count("id"), likes=Sum("like_count"), views=Sum("view_count"))
    comments = Comment.objects.filter(is_deleted=False).aggregate(comments=Count("id"), likes=Sum("like_count"))
    templates = CodeTemplate.objects.filter(is_hidden=False).aggregate(
        templates=Count("id"), downloads=Sum("download_count"), stars=Sum("star_count"))
    # Counted in subqueries: two joined counts would multiply each other's rows.
    post_counts = (Post.objects.filter(author=OuterRef("pk"), is_hidden=False).order_by()
                   .values("author").annotate(n=Count("id")).values("n"))
    comment_counts = (Comment.objects.filter(author=OuterRef("pk"), is_deleted=False).order_by()
                      .values("author").annotate(n=Count("id")).values("n"))
    contributors = (User.objects.annotate(
        post_total=Coalesce(Subquery(post_counts), 0), comment_total=Coalesce(Subquery(comment_counts), 0))
        .filter(Q(post_total__gt=0) | Q(comment_total__gt=0)).order_by("-post_total", "-comment_total", "id")
        .values("id", "username", "post_total", "comment_total")[:top])
    popular = (CodeTemplate.objects.filter(is_hidden=False).order_by("-star_count", "-download_count", "-id")
               .values("id", "title", "star_count", "fork_count", "download_count")[:top])
    return {"posts": posts["posts"] or 0, "comments": comments["comments"] or 0,
            "likes": (posts["likes"] or 0) + (comments["likes"] or 0), "views": posts["views"] or 0,
            "templates": templates["templates"] or 0, "downloads": templates["downloads"] or 0,
            "stars": templates["stars"] or 0,
            "top_contributors": [{"id": r["id"], "username": r["username"], "posts": r["post_total"],
                                  "comments": r["comment_total"]} for r in contributors],
            "popular_templates": list(popular)}


def dashboard_evidence(*, user, since) -> dict:
    """The user's community contributions for their dashboard (analytics/evidence.py's
    "community_stats"): posts and comments written since `since`, and what their posts and
    templates received in all. Three queries."""
    from django.db.models import Count, Sum

    posts = Post.objects.filter(author=user, is_hidden=False).aggregate(
        written=Count("id", filter=Q(created_at__gte=since)), likes=Sum("like_count"), views=Sum("view_count"))
    comments = Comment.objects.filter(author=user, is_deleted=False, created_at__gte=since).count()
    templates = CodeTemplate.objects.filter(author=user, is_hidden=False).aggregate(
        count=Count("id"), stars=Sum("star_count"), downloads=Sum("download_count"), forks=Sum("fork_count"))
    return {"posts": posts["written"] or 0, "comments": comments, "likes_received": posts["likes"] or 0,
            "post_views": posts["views"] or 0, "templates": templates["count"] or 0,
            "stars_received": templates["stars"] or 0, "downloads": templates["downloads"] or 0,
            "forks": templates["forks"] or 0}
