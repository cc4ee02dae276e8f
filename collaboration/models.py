import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel


class RoomStatus(models.TextChoices):
    OPEN = "open", "Open"
    ENDED = "ended", "Ended"
    EXPIRED = "expired", "Expired"


class Role(models.TextChoices):
    INTERVIEWER = "interviewer", "Interviewer"
    CANDIDATE = "candidate", "Candidate"
    OBSERVER = "observer", "Observer"


COLORS = ("#e11d48", "#2563eb", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d")


class Room(BaseModel):
    """One live coding interview. The id is a UUID4: unguessable, so it can appear in links."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=120)
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rooms_led")
    challenge = models.ForeignKey("challenges.Challenge", null=True, blank=True, on_delete=models.SET_NULL)
    language = models.CharField(max_length=16, default="python")
    stdin = models.TextField(blank=True, max_length=100_000)
    status = models.CharField(max_length=8, choices=RoomStatus.choices, default=RoomStatus.OPEN, db_index=True)
    editor_locked = models.BooleanField(default=False)
    timer_started_at = models.DateTimeField(null=True, blank=True)
    timer_elapsed_seconds = models.PositiveIntegerField(default=0)
    invite_version = models.PositiveIntegerField(default=1, help_text="Raising it revokes every invite link.")
    last_activity_at = models.DateTimeField(db_index=True)
    # Bytes of every stored Yjs update (what the cap ROOM_MAX_DOCUMENT_BYTES counts: deleted text
    # stays in the history, so churn counts too).
    document_bytes = models.PositiveBigIntegerField(default=0)
    # How often the interviewer and the candidate swapped roles (a peer interview swaps halfway):
    # turn `role_swaps + 1` is under way, and each turn has its own question (RoomQuestion).
    role_swaps = models.PositiveSmallIntegerField(default=0)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoomStatus.OPEN


class Participant(BaseModel):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="room_participations")
    guest_name = models.CharField(max_length=60, blank=True)
    role = models.CharField(max_length=12, choices=Role.choices)
    color = models.CharField(max_length=7, default=COLORS[0])
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at",)
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], condition=Q(user__isnull=False),
                                    name="one_participation_per_user"),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(guest_name=""), name="participant_has_a_name"),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.role})"

    @property
    def display_name(self) -> str:
        return self.user.display_name if self.user_id else f"{self.guest_name} (guest)"

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.INTERVIEWER, Role.CANDIDATE)


class DocumentUpdate(models.Model):
    """The room document's history: every Yjs update, in order, with its author and time. The
    document is rebuilt from these; the summary replays them."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="updates")
    participant = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=["room", "id"], name="room_updates")]

    def __str__(self):
        return f"update {self.id} of {self.room_id}"


class DocumentCheckpoint(models.Model):
    """The room document after its first `position` stored updates (every update with id up to
    `through_update_id`), as one Yjs update. Opening a room applies the last checkpoint and the
    updates after it, not the whole history; the per-edit history stays in DocumentUpdate."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="checkpoints")
    through_update_id = models.BigIntegerField()
    position = models.PositiveIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("through_update_id",)
        constraints = [models.UniqueConstraint(fields=["room", "through_update_id"], name="one_checkpoint_per_point")]

    def __str__(self):
        return f"checkpoint of {self.room_id} at update {self.through_update_id}"


class RoomMessage(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="messages")
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=["room", "id"], name="room_messages")]

    def __str__(self):
        return self.text[:50]


class InterviewerNote(BaseModel):
    """One interviewer's private notes in a room. A peer interview swaps roles, and each person
    takes notes on the other in their own half: one note per room and author."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE,
                               related_name="room_notes")
    text = models.TextField(blank=True, max_length=50_000)

    class Meta(BaseModel.Meta):
        constraints = [models.UniqueConstraint(fields=["room", "author"], name="one_note_per_room_author")]

    def __str__(self):
        return f"notes on {self.room_id} by {self.author_id}"


class RoomRun(BaseModel):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="runs")
    participant = models.ForeignKey(Participant, null=True, on_delete=models.SET_NULL)
    language = models.CharField(max_length=16)
    source = models.TextField()
    stdin = models.TextField(blank=True)
    verdict = models.CharField(max_length=4, blank=True)
    stdout = models.TextField(blank=True)
    stderr = models.TextField(blank=True)
    compile_output = models.TextField(blank=True)
    exit_code = models.IntegerField(null=True, blank=True)
    wall_time = models.FloatField(null=True, blank=True)
    memory = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self):
        return f"run {self.id} in {self.room_id}"


class RoomQuestion(BaseModel):
    """The question the interviewer of one turn asks, from the interviews question bank. Only
    that turn's interviewer is shown it (with its rubric and hints); picking again replaces it."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="questions")
    turn = models.PositiveSmallIntegerField(help_text="1 before the first role swap, 2 after it, ...")
    interviewer = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="questions_asked")
    question = models.ForeignKey("interviews.Question", on_delete=models.PROTECT, related_name="room_uses")

    class Meta:
        ordering = ("room", "turn")
        constraints = [models.UniqueConstraint(fields=["room", "turn"], name="one_question_per_room_turn")]

    def __str__(self):
        return f"{self.question_id} in {self.room_id}, turn {self.turn}"
