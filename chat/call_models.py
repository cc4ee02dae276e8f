"""Audio/video calls in a chat: who was rung, who joined, how it ended. The media never reaches
the server (WebRTC between the browsers, signalled over /ws/chat/: chat.call_consumer); what is
kept is the record, which ends as a call message in the chat (missed, or its duration)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class CallMedia(models.TextChoices):
    AUDIO = "audio", "Audio"
    VIDEO = "video", "Video"


class CallStatus(models.TextChoices):
    RINGING = "ringing", "Ringing"
    ACTIVE = "active", "In progress"
    ENDED = "ended", "Ended"


LIVE_CALL_STATUSES = (CallStatus.RINGING, CallStatus.ACTIVE)


class CallOutcome(models.TextChoices):
    NONE = "", "Not ended yet"
    ANSWERED = "answered", "Answered"
    MISSED = "missed", "Missed"
    REJECTED = "rejected", "Declined"
    BUSY = "busy", "Busy"


class ChatCall(models.Model):
    chat = models.ForeignKey("chat.Chat", on_delete=models.CASCADE, related_name="calls")
    initiator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    media = models.CharField(max_length=8, choices=CallMedia.choices)
    status = models.CharField(max_length=8, choices=CallStatus.choices, default=CallStatus.RINGING)
    outcome = models.CharField(max_length=8, choices=CallOutcome.choices, blank=True, default=CallOutcome.NONE)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The call message that records it in the chat, once it ended.
    record = models.OneToOneField("chat.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="call")

    class Meta:
        ordering = ("-id",)
        constraints = [
            # One call at a time in a chat: a second "call" button press joins nothing new.
            models.UniqueConstraint(fields=["chat"], condition=Q(status__in=LIVE_CALL_STATUSES),
                                    name="chat_one_live_call"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="chat_call_sweep")]

    def __str__(self):
        return f"{self.media} call {self.pk} in {self.chat_id}"

    @property
    def duration_seconds(self) -> int | None:
        if self.answered_at is None or self.ended_at is None:
            return None
        return max(0, int((self.ended_at - self.answered_at).total_seconds()))


class CallPartyState(models.TextChoices):
    INVITED = "invited", "Ringing"
    JOINED = "joined", "In the call"
    LEFT = "left", "Left"
    DECLINED = "declined", "Declined"
    BUSY = "busy", "Busy"
    MISSED = "missed", "Missed"


class ChatCallParty(models.Model):
    """One member of the chat in one call: rung, joined, left..."""

    call = models.ForeignKey(ChatCall, on_delete=models.CASCADE, related_name="parties")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=8, choices=CallPartyState.choices)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="chat_call_party_once")]
        indexes = [models.Index(fields=["user", "state"], name="chat_call_party_busy")]

    def __str__(self):
        return f"{self.user_id} {self.state} in call {self.call_id}"
