"""Posts, comments and their likes, bookmarks and views; code templates; flags, suspensions and
collaboration requests. Counters (likes, bookmarks, comments, stars, forks, views) are kept on
the row they count and changed only by the service that inserts or deletes the counted row, in
the same transaction (see services.py)."""

from django.conf import settings
from django.db import models

from core.models import BaseModel


class PostType(models.TextChoices):
    DISCUSSION = "discussion", "Discussion"
    HELP = "help", "Help"
    SHOWCASE = "showcase", "Showcase"
    TIPS = "tips", "Tips"
    NEWS = "news", "News"
    CODE_SHARE = "code-share", "Code share"
    COLLABORATION = "collaboration", "Collaboration"
    RESOURCE = "resource", "Resource"


class PostDifficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class Post(BaseModel):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    type = models.CharField(max_length=16, choices=PostType.choices, default=PostType.DISCUSSION)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False, help_text="Sanitised rendering of body.")
    tags = models.JSONField(default=list, blank=True)
    # ",python,graphs," so that a tag filter is a plain LIKE on every database.
    tags_text = models.CharField(max_length=500, blank=True, db_index=True, editable=False)
    difficulty = models.CharField(max_length=8, choices=PostDifficulty.choices, blank=True)
    challenge_type = models.CharField(max_length=8, blank=True, help_text="dsa / bugfix / feature")
    # Optional code: a snippet in a judge language, an HTML/CSS/JS project, links.
    code_language = models.CharField(max_length=16, blank=True)
    code = models.TextField(blank=True)
    project_html = models.TextField(blank=True)
    project_css = models.TextField(blank=True)
    project_js = models.TextField(blank=True)
    github_url = models.URLField(blank=True)
    demo_url = models.URLField(blank=True)
    linked_submission = models.ForeignKey("challenges.Submission", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    linked_challenge = models.ForeignKey("challenges.Challenge", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    accepted_comment = models.ForeignKey("Comment", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    like_count = models.PositiveIntegerField(default=0)
    bookmark_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    # Reddit's "hot" rank (see services.hot_score): a time-decay order that never needs recomputing
    # as time passes, so it can be indexed.
    hot_score = models.FloatField(default=0)
    is_hidden = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)
    is_featured = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False, help_text="No new comments.")
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta(BaseModel.Meta):
        indexes = [
            # One per feed order, behind the `is_hidden = false` every non-moderator list has.
            models.Index(fields=["is_hidden", "-id"], name="post_visible_new"),
            models.Index(fields=["is_hidden", "-hot_score", "-id"], name="post_visible_hot"),
            models.Index(fields=["is_hidden", "-like_count", "-id"], name="post_visible_top"),
            models.Index(fields=["is_hidden", "type", "-id"], name="post_type_new"),
        ]

    def __str__(self):
        return self.title


class PostLike(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="post_like_once")]

    def __str__(self):
        return f"{self.user_id} likes post {self.post_id}"


class PostBookmark(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="post_bookmark_once")]

    def __str__(self):
        return f"{self.user_id} bookmarked post {self.post_id}"


class PostView(models.Model):
    """One row per viewer per day: a viewer is a user id or, for visitors, a session key hash."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="views")
    viewer = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "viewer", "day"], name="post_view_once_a_day")]

    def __str__(self):
        return f"{self.viewer} viewed post {self.post_id} on {self.day}"


class Comment(BaseModel):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    depth = models.PositiveSmallIntegerField(default=0)
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    like_count = models.PositiveIntegerField(default=0)
    # A deleted comment with replies stays as "[deleted]" so the thread keeps its shape.
    is_deleted = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=["post", "id"], name="comment_post_order")]

    def __str__(self):
        return f"Comment {self.pk} on {self.post_id}"


class CommentLike(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="comment_like_once")]

    def __str__(self):
        return f"{self.user_id} likes comment {self.comment_id}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class CollaborationRequest(BaseModel):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="join_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(max_length=2000, blank=True)
    skills = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta(BaseModel.Meta):
        constraints = [models.UniqueConstraint(fields=["post", "requester"], name="one_request_per_post")]

    def __str__(self):
        return f"{self.requester_id} asks to join post {self.post_id} ({self.status})"


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam"
    ABUSE = "abuse", "Harassment or abuse"
    OFF_TOPIC = "off-topic", "Off topic"
    INAPPROPRIATE = "inappropriate", "Inappropriate"
    OTHER = "other", "Something else"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Acted on"
    DISMISSED = "dismissed", "Dismissed"


class Flag(BaseModel):
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=16, choices=FlagReason.choices)
    details = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN, db_index=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolution = models.CharField(max_length=1000, blank=True)

    class Meta(BaseModel.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(post__isnull=False) | models.Q(comment__isnull=False),
                                   name="flag_has_target"),
            models.UniqueConstraint(fields=["reporter", "post"], condition=models.Q(comment__isnull=True),
                                    name="flag_post_once"),
            models.UniqueConstraint(fields=["reporter", "comment"], condition=models.Q(comment__isnull=False),
                                    name="flag_comment_once"),
        ]

    def __str__(self):
        return f"Flag {self.pk}: {self.reason} ({self.status})"


class Suspension(BaseModel):
    """A moderator's ban from writing in the community until `until`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_suspensions")
    until = models.DateTimeField(db_index=True)
    reason = models.CharField(max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Suspension of {self.user_id} until {self.until:%Y-%m-%d}"


class TemplateKind(models.TextChoices):
    WEB = "web", "HTML/CSS/JS"
    PROJECT = "project", "Project in a judge language"


class CodeTemplate(BaseModel):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="code_templates")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=5000)
    description_html = models.TextField(blank=True, editable=False)
    kind = models.CharField(max_length=8, choices=TemplateKind.choices, default=TemplateKind.WEB)
    language = models.CharField(max_length=16, blank=True, help_text="Judge language of a project.")
    entry = models.CharField(max_length=200, blank=True, help_text="The file Run starts (projects).")
    category = models.CharField(max_length=40, db_index=True)
    framework = models.CharField(max_length=40, blank=True, db_index=True)
    difficulty = models.CharField(max_length=8, choices=PostDifficulty.choices, default=PostDifficulty.EASY)
    tags = models.JSONField(default=list, blank=True)
    tags_text = models.CharField(max_length=500, blank=True, editable=False)
    features = models.JSONField(default=list, blank=True)
    files = models.JSONField(default=list, help_text='[{"path", "content"}]')
    forked_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="forks")
    star_count = models.PositiveIntegerField(default=0)
    fork_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    download_count = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(default=False)

    class Meta(BaseModel.Meta):
        indexes = [models.Index(fields=["is_hidden", "-id"], name="template_visible_new")]

    def __str__(self):
        return self.title

    def file(self, path: str) -> str:
        return next((f["content"] for f in self.files if f.get("path") == path), "")


class TemplateStar(models.Model):
    template = models.ForeignKey(CodeTemplate, on_delete=models.CASCADE, related_name="stars")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template", "user"], name="template_star_once")]

    def __str__(self):
        return f"{self.user_id} starred template {self.template_id}"


class TemplateView(models.Model):
    template = models.ForeignKey(CodeTemplate, on_delete=models.CASCADE, related_name="views")
    viewer = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template", "viewer", "day"], name="template_view_once_a_day")]

    def __str__(self):
        return f"{self.viewer} viewed template {self.template_id} on {self.day}"
