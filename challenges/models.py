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
