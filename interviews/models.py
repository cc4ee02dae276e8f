from django.conf import settings
from django.db import models

from core.models import BaseModel

from .engine import (
    CATEGORIES,
    DIFFICULTIES,
    FollowUp,
    QuestionSpec,
    RubricItem,
    TalkingPoint,
    calibrated_label,
)


class Category(models.TextChoices):
    BEHAVIORAL = "behavioral", "Behavioral"
    HR = "hr", "HR"
    SYSTEM_DESIGN = "system_design", "System design"
    DSA_CONCEPTS = "dsa_concepts", "Data structures and algorithms"
    LANGUAGE_FRAMEWORK = "language_framework", "Languages and frameworks"
    ROLE_SPECIFIC = "role_specific", "Role-specific"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


assert tuple(Category.values) == CATEGORIES and tuple(Difficulty.values) == DIFFICULTIES


class Question(BaseModel):
    """One question of the bank. Talking points, rubric and follow-ups are small ordered lists that
    are always read with the question, so they are JSON in its row (the seed format's tables)."""

    slug = models.SlugField(max_length=80, unique=True)
    category = models.CharField(max_length=20, choices=Category.choices, db_index=True)
    difficulty = models.CharField(max_length=6, choices=Difficulty.choices, db_index=True,
                                  help_text="The author's label.")
    prompt = models.TextField(max_length=3000)
    skills = models.JSONField(default=list, blank=True, help_text="Skill ids of the resume ontology.")
    role_families = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    star = models.BooleanField(default=False, help_text="Answers are judged for STAR structure.")
    hints = models.JSONField(default=list, blank=True)
    talking_points = models.JSONField(default=list, blank=True, help_text='[{"text", "keywords": [...]}]')
    rubric = models.JSONField(default=list, blank=True,
                              help_text='[{"criterion", "dimension", "weight", "weak", "fair", "strong"}]')
    follow_ups = models.JSONField(default=list, blank=True, help_text='[{"prompt", "talking_point"}]')
    sample_strong_answer = models.TextField(blank=True)
    sample_weak_answer = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    # Calibration (interviews/engine/calibration.py): an Elo rating from the scores answers received.
    rating = models.FloatField(null=True, blank=True)
    rated_answers = models.PositiveIntegerField(default=0)
    times_asked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("category", "difficulty", "slug")
        indexes = [models.Index(fields=["category", "difficulty"])]

    def __str__(self):
        return self.slug

    @property
    def calibrated_difficulty(self) -> str:
        return calibrated_label(self.rating, self.rated_answers)

    def spec(self) -> QuestionSpec:
        return QuestionSpec(
            slug=self.slug, category=self.category, difficulty=self.difficulty, prompt=self.prompt,
            skills=tuple(self.skills), role_families=tuple(self.role_families), keywords=tuple(self.keywords),
            star=self.star, hints=tuple(self.hints),
            talking_points=tuple(TalkingPoint(p["text"], tuple(p["keywords"])) for p in self.talking_points),
            rubric=tuple(RubricItem(r["criterion"], r["dimension"], float(r["weight"]), r["weak"], r["fair"],
                                    r["strong"]) for r in self.rubric),
            follow_ups=tuple(FollowUp(f["prompt"], f.get("talking_point")) for f in self.follow_ups),
            sample_strong_answer=self.sample_strong_answer, sample_weak_answer=self.sample_weak_answer,
            rating=self.rating, rated_answers=self.rated_answers)


class InterviewType(models.TextChoices):
    TECHNICAL = "technical", "Technical"
    BEHAVIORAL = "behavioral", "Behavioral"
    HR = "hr", "HR"
    MIXED = "mixed", "Mixed"


class SessionStatus(models.TextChoices):
    ACTIVE = "active", "In progress"
    FINISHED = "finished", "Finished"


class InterviewSession(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interview_sessions")
    interview_type = models.CharField(max_length=12, choices=InterviewType.choices)
    difficulty = models.CharField(max_length=6, choices=Difficulty.choices)
    length = models.PositiveSmallIntegerField(help_text="Questions asked (follow-ups included).")
    status = models.CharField(max_length=8, choices=SessionStatus.choices, default=SessionStatus.ACTIVE,
                              db_index=True)
    level = models.PositiveSmallIntegerField(default=1, help_text="0 easy, 1 medium, 2 hard: where it stands now.")
    ability = models.FloatField(default=1500.0, help_text="The candidate's Elo rating within this interview.")
    job = models.ForeignKey("resumes.JobDescription", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    analysis = models.ForeignKey("resumes.Analysis", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    job_title = models.CharField(max_length=120, blank=True)
    role_family = models.CharField(max_length=20, blank=True)
    target_skills = models.JSONField(default=list, blank=True, help_text="The job's skills, as asked for.")
    gap_skills = models.JSONField(default=list, blank=True, help_text="The resume analysis' gaps.")
    job_terms = models.JSONField(default=list, blank=True, help_text='[{"term", "variants"}]')
    report = models.JSONField(default=dict, blank=True)
    share_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # A technical interview with a challenge attached codes in this live room; the report replays it.
    room = models.OneToOneField("collaboration.Room", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="interview_session")
    finished_at = models.DateTimeField(null=True, blank=True)
    # The whole session's recording (opt-in, made in the browser, read by the media job); it goes
    # when the interview is deleted (services.session_delete).
    recording = models.ForeignKey("core.MediaAsset", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.get_interview_type_display()} interview #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == SessionStatus.ACTIVE


class TurnKind(models.TextChoices):
    QUESTION = "question", "Question"
    FOLLOW_UP = "follow_up", "Follow-up"


class InterviewTurn(BaseModel):
    """One question asked (a bank question or a follow-up to it) and, once given, its answer and
    evaluation."""

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="turns")
    kind = models.CharField(max_length=10, choices=TurnKind.choices, default=TurnKind.QUESTION)
    prompt = models.TextField()
    talking_point = models.SmallIntegerField(null=True, blank=True, help_text="What a follow-up probes.")
    reason = models.CharField(max_length=300, blank=True, help_text="Why this was asked next.")
    answer = models.TextField(blank=True)
    answer_source = models.CharField(max_length=8, blank=True, help_text="typed | spoken")
    answer_seconds = models.FloatField(null=True, blank=True, help_text="A spoken answer's length.")
    # A spoken answer's recording (its transcript is the answer; the report plays it back).
    media = models.ForeignKey("core.MediaAsset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    evaluation = models.JSONField(default=dict, blank=True)
    overall = models.PositiveSmallIntegerField(null=True, blank=True)
    engine = models.CharField(max_length=24, blank=True)
    fallback_reason = models.CharField(max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("session", "index")
        constraints = [models.UniqueConstraint(fields=["session", "index"], name="interview_turn_unique_index")]

    def __str__(self):
        return f"{self.session_id}#{self.index}"


# Peer mock interviews live in their own module; importing them here registers them with the app.
from .peer.models import (  # noqa: E402, F401
    PeerBlock,
    PeerBooking,
    PeerFeedback,
    PeerReport,
    PeerSlot,
    PeerSuspension,
    PointsAccount,
    PointsEntry,
    WeeklyAvailability,
)
