from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.lookups import Exact

from core.models import BaseModel

from . import scoring


class ChallengeType(models.TextChoices):
    DSA = "dsa", "Data structures & algorithms"
    BUG_FIX = "bug-fix", "Bug fix"
    FEATURE = "feature", "Feature"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class CheckerChoice(models.TextChoices):
    EXACT = "exact", "Exact"
    LINES = "lines", "Ignore trailing whitespace"
    TOKENS = "tokens", "Tokens"
    FLOAT = "float", "Numbers with tolerance"


XP_FOR_DIFFICULTY = {Difficulty.EASY: 20, Difficulty.MEDIUM: 40, Difficulty.HARD: 80}


def difficulty_rank() -> Case:
    """Easy, Medium, Hard: the order people read them in, not the alphabet's (easy, hard, medium).
    Lookups rather than keyword conditions, so that Django can prefix the expression when another
    model orders by its challenge (TestCase does)."""
    return Case(*[When(Exact(F("difficulty"), value), then=Value(rank)) for rank, value in enumerate(Difficulty.values)],
                default=Value(len(Difficulty.values)))


class Challenge(BaseModel):
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, help_text="One sentence for the list.")
    type = models.CharField(max_length=8, choices=ChallengeType.choices, db_index=True)
    difficulty = models.CharField(max_length=8, choices=Difficulty.choices, db_index=True)
    category = models.CharField(max_length=40, db_index=True)
    tags = models.JSONField(default=list, blank=True)
    time_limit_ms = models.PositiveIntegerField(default=2000)
    memory_limit_mb = models.PositiveIntegerField(default=256)
    checker = models.CharField(max_length=8, choices=CheckerChoice.choices, default=CheckerChoice.TOKENS)
    float_tolerance = models.FloatField(default=1e-6)
    # Content (markdown is sanitised when rendered).
    statement = models.TextField()
    constraints = models.TextField(blank=True)
    examples = models.JSONField(default=list, blank=True, help_text='[{"input", "output", "explanation"}]')
    hints = models.JSONField(default=list, blank=True)
    solution_explanation = models.TextField(blank=True)
    starter_code = models.JSONField(default=dict, blank=True, help_text="{language: code}")
    reference_solutions = models.JSONField(default=dict, blank=True, help_text="{language: code}; staff only")
    # Checked before anything runs.
    forbidden_keywords = models.JSONField(default=list, blank=True)
    required_keywords = models.JSONField(default=list, blank=True)
    # Interview mode: {"background", "role", "company", "urgency", "distractions": [...]}.
    scenario = models.JSONField(default=dict, blank=True)
    # Stats, kept by the services.
    attempts = models.PositiveIntegerField(default=0)
    successes = models.PositiveIntegerField(default=0, help_text="Accepted submissions.")
    solvers = models.PositiveIntegerField(default=0, help_text="Distinct users who solved it.")
    average_score = models.FloatField(default=0)
    average_time_seconds = models.FloatField(default=0)
    popularity = models.PositiveIntegerField(default=0, help_text="Distinct users who started it.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="authored_challenges")
    is_public = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    # Reviews, kept by the review services (recounted under the challenge's row lock).
    review_count = models.PositiveIntegerField(default=0)
    rating_average = models.FloatField(default=0)

    class Meta:
        # Everything that lists challenges without its own order (the admin, the rooms' picker).
        ordering = (difficulty_rank().asc(), "title")
        indexes = [models.Index(fields=["is_public", "is_active", "difficulty"], name="challenge_listing")]

    def __str__(self):
        return self.title

    @property
    def xp_reward(self) -> int:
        return XP_FOR_DIFFICULTY.get(self.difficulty, 20)

    @property
    def success_rate(self) -> int | None:
        """Accepted submissions out of judged ones, in percent; None before any was judged."""
        return round(100 * self.successes / self.attempts) if self.attempts else None

    @property
    def success_rate_label(self) -> str:
        return scoring.rate_label(self.success_rate)

    @property
    def viewer_best_points(self) -> int | None:
        """The viewer's best points, from selectors.challenge_list's annotation; None: never submitted."""
        best = getattr(self, "viewer_best_score", None)
        return None if best is None else scoring.points(best)

    @property
    def viewer_best_points_label(self) -> str:
        return scoring.points_label(self.viewer_best_points)


class TestCase(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="test_cases")
    order = models.PositiveIntegerField(default=0)
    input = models.TextField(blank=True)
    expected_output = models.TextField(blank=True)
    is_hidden = models.BooleanField(default=True)
    weight = models.PositiveIntegerField(default=1)

    __test__ = False  # not a pytest class

    class Meta:
        ordering = ("challenge", "order", "id")

    def __str__(self):
        return f"{self.challenge_id} #{self.order}{' (hidden)' if self.is_hidden else ''}"


class Mode(models.TextChoices):
    STANDARD = "standard", "Standard"
    INTERVIEW = "interview", "Interview (timer and distractions)"
    ZEN = "zen", "Zen (nothing but the problem)"


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Judging"
    DONE = "done", "Judged"
    ERROR = "error", "Internal error"


class Submission(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="submissions")
    language = models.CharField(max_length=16)
    source = models.TextField()
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.STANDARD)
    time_spent_seconds = models.PositiveIntegerField(default=0)
    distractions_met = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=8, choices=SubmissionStatus.choices, default=SubmissionStatus.QUEUED)
    verdict = models.CharField(max_length=4, blank=True)
    score = models.PositiveIntegerField(default=0)
    max_score = models.PositiveIntegerField(default=0)
    percent = models.FloatField(default=0)
    passed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    compile_output = models.TextField(blank=True)
    results = models.JSONField(default=list, blank=True)
    max_cpu_time = models.FloatField(null=True, blank=True)
    max_memory = models.BigIntegerField(null=True, blank=True)
    judged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["user", "challenge", "-id"], name="submission_mine"),
            models.Index(fields=["challenge", "verdict"], name="submission_verdicts"),
            # One user's submissions of a day or a range (analytics' live "today", the aggregation).
            models.Index(fields=["user", "created_at"], name="submission_user_day"),
        ]

    def __str__(self):
        return f"#{self.id} {self.challenge_id} {self.verdict or self.status}"

    @property
    def accepted(self) -> bool:
        return self.verdict == "AC"

    @property
    def judged(self) -> bool:
        return self.status == SubmissionStatus.DONE

    @property
    def points(self) -> int:
        return scoring.points(self.percent)

    @property
    def not_run(self) -> int:
        """Tests the judge did not run (it stops at a timeout; a compilation error runs none)."""
        return max(0, self.total - len(self.results)) if self.judged else 0

    @property
    def score_label(self) -> str:
        """"7/10 tests · 70 points" once judged; "—" before (or when the judge failed)."""
        if not self.judged:
            return scoring.NO_VALUE
        return scoring.score_label(passed=self.passed, total=self.total, percent=self.percent)


class ChallengeProgress(BaseModel):
    """One user's relation to one challenge: when they started, how far they got."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_progress")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(null=True, blank=True)
    # The interview mode's clock: set when an interview starts (an explicit POST), kept across
    # reloads, reset only when the user asks to start over.
    interview_started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    hints_revealed = models.PositiveSmallIntegerField(default=0)
    # When the user asked to see the solution before solving (after solving it is shown anyway).
    solution_revealed_at = models.DateTimeField(null=True, blank=True)
    best_score = models.FloatField(default=0, help_text="Best percent.")
    best_at = models.DateTimeField(null=True, blank=True, help_text="When the best score was first reached.")
    solved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-updated_at",)
        constraints = [models.UniqueConstraint(fields=["user", "challenge"], name="challenge_progress_once")]
        indexes = [models.Index(fields=["challenge", "-best_score", "best_at"], name="challenge_board")]

    def __str__(self):
        return f"{self.user_id} on {self.challenge_id}"

    @property
    def best_points(self) -> int | None:
        """The best submission's points; None while nothing was submitted."""
        return scoring.points(self.best_score) if self.attempts else None

    @property
    def best_points_label(self) -> str:
        return scoring.points_label(self.best_points)

    @property
    def solution_visible(self) -> bool:
        return bool(self.solved_at or self.solution_revealed_at)


class CodeDraft(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="code_drafts")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="drafts")
    language = models.CharField(max_length=16)
    code = models.TextField(blank=True)

    class Meta:
        ordering = ("-updated_at",)
        constraints = [
            models.UniqueConstraint(fields=["user", "challenge", "language"], name="one_draft_per_language"),
            models.CheckConstraint(condition=~Q(language=""), name="draft_has_language"),
        ]

    def __str__(self):
        return f"draft {self.user_id} {self.challenge_id} {self.language}"


# --- learning playlists ---------------------------------------------------------------------------


class PlaylistCategory(BaseModel):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "playlist categories"

    def __str__(self):
        return self.name


class Playlist(BaseModel):
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=300, help_text="One sentence for the list.")
    description = models.TextField(blank=True, help_text="Markdown (sanitised when rendered).")
    category = models.ForeignKey(PlaylistCategory, on_delete=models.PROTECT, related_name="playlists")
    difficulty = models.CharField(max_length=8, choices=Difficulty.choices, default=Difficulty.EASY)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="authored_playlists")
    is_published = models.BooleanField(default=True)
    # Kept by the services (recounted under the playlist's row lock).
    lesson_count = models.PositiveIntegerField(default=0)
    enrolment_count = models.PositiveIntegerField(default=0)
    completion_count = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    rating_average = models.FloatField(default=0)

    class Meta:
        ordering = ("title",)

    def __str__(self):
        return self.title


class LessonKind(models.TextChoices):
    READING = "reading", "Reading"
    CHALLENGE = "challenge", "Challenge"
    VIDEO = "video", "Video"
    PROJECT = "project", "Project"


class Lesson(BaseModel):
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=LessonKind.choices)
    body = models.TextField(blank=True, help_text="Markdown: the reading, or the brief of a video or project.")
    challenge = models.ForeignKey(Challenge, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="lessons")
    video_url = models.URLField(blank=True)
    # Reading and video lessons count as done after this much time on the page (services.py rule).
    required_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("playlist", "order", "id")
        constraints = [
            models.UniqueConstraint(fields=["playlist", "order"], name="lesson_order_once"),
            models.CheckConstraint(condition=~Q(kind="challenge") | Q(challenge__isnull=False),
                                   name="challenge_lesson_has_challenge"),
        ]

    def __str__(self):
        return f"{self.playlist_id} #{self.order} {self.title}"


class Enrolment(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="enrolments")
    # Unenrolling keeps the row (and the progress) so that coming back picks up where one left.
    is_active = models.BooleanField(default=True)
    current_lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    completed_lessons = models.PositiveIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(default=0)
    time_spent_seconds = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-updated_at",)
        constraints = [models.UniqueConstraint(fields=["user", "playlist"], name="enrolment_once")]
        indexes = [models.Index(fields=["user", "is_active", "-updated_at"], name="enrolment_mine")]

    def __str__(self):
        return f"{self.user_id} in {self.playlist_id}"


class LessonProgress(BaseModel):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    seconds_spent = models.PositiveIntegerField(default=0)
    project_url = models.URLField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("lesson__order",)
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_progress_once")]

    def __str__(self):
        return f"{self.enrolment_id} / {self.lesson_id}"


class Certificate(BaseModel):
    """Issued once when an enrolment completes. The names are copied so that the certificate
    keeps saying what it said when issued, whatever is renamed later."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=40, unique=True)
    holder_name = models.CharField(max_length=150)
    playlist_title = models.CharField(max_length=120)
    lesson_count = models.PositiveIntegerField()
    issued_at = models.DateTimeField()

    def __str__(self):
        return f"{self.playlist_title} — {self.holder_name}"


class PlaylistReview(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playlist_reviews")
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(fields=["user", "playlist"], name="playlist_review_once"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="playlist_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.rating}/5 by {self.user_id} on {self.playlist_id}"


# --- challenge reviews -----------------------------------------------------------------------------


class ChallengeReview(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_reviews")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    text = models.TextField(help_text="Markdown (sanitised when rendered).")
    tags = models.JSONField(default=list, blank=True)
    helpful_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-helpful_count", "-created_at")
        constraints = [
            models.UniqueConstraint(fields=["user", "challenge"], name="challenge_review_once"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="challenge_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.rating}/5 {self.title}"


class ReviewHelpfulVote(models.Model):
    review = models.ForeignKey(ChallengeReview, on_delete=models.CASCADE, related_name="helpful_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="review_helpful_once")]

    def __str__(self):
        return f"{self.user_id} found {self.review_id} helpful"


class ReviewReply(BaseModel):
    review = models.ForeignKey(ChallengeReview, on_delete=models.CASCADE, related_name="replies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_replies")
    text = models.TextField()

    class Meta:
        ordering = ("created_at", "id")
        verbose_name_plural = "review replies"


# --- code reviews of submissions -----------------------------------------------------------------


class CodeReviewStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"


class CodeReview(BaseModel):
    """A request for mentoring on one submission: the author's code in numbered versions, line
    comments from reviewers, and each reviewer's scores."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="code_reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="code_reviews")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="code_reviews")
    language = models.CharField(max_length=16)
    message = models.TextField(blank=True, help_text="What the author would like feedback on.")
    status = models.CharField(max_length=20, choices=CodeReviewStatus.choices, default=CodeReviewStatus.PENDING,
                              db_index=True)
    version_count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ("-created_at",)
        constraints = [models.UniqueConstraint(fields=["submission"], name="code_review_once_per_submission")]

    def __str__(self):
        return f"review of #{self.submission_id} ({self.status})"


class CodeReviewVersion(models.Model):
    review = models.ForeignKey(CodeReview, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.TextField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("review", "number")
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="code_review_version_once")]

    def __str__(self):
        return f"{self.review_id} v{self.number}"


class CommentKind(models.TextChoices):
    GENERAL = "general", "General"
    SUGGESTION = "suggestion", "Suggestion"
    ISSUE = "issue", "Issue"
    PRAISE = "praise", "Praise"


class CodeReviewComment(BaseModel):
    review = models.ForeignKey(CodeReview, on_delete=models.CASCADE, related_name="comments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=CommentKind.choices, default=CommentKind.GENERAL)
    body = models.TextField()
    # Where it was written: lines line_start..line_end (1-based) of version `version_number`;
    # no line: a comment on the whole submission.
    version_number = models.PositiveIntegerField()
    line_start = models.PositiveIntegerField(null=True, blank=True)
    line_end = models.PositiveIntegerField(null=True, blank=True)
    # Where those lines are in the newest version (moved through each diff); outdated when they changed.
    current_line_start = models.PositiveIntegerField(null=True, blank=True)
    current_line_end = models.PositiveIntegerField(null=True, blank=True)
    outdated = models.BooleanField(default=False)
    # A suggestion's replacement for its lines; applied once, into a new version.
    suggestion = models.TextField(blank=True)
    applied_in_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("current_line_start", "created_at", "id")

    def __str__(self):
        return f"{self.kind} on {self.review_id}"


class CodeReviewScore(BaseModel):
    review = models.ForeignKey(CodeReview, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_quality = models.PositiveSmallIntegerField()
    performance = models.PositiveSmallIntegerField()
    readability = models.PositiveSmallIntegerField()
    tests = models.PositiveSmallIntegerField()
    summary = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "reviewer"], name="code_review_score_once")]
