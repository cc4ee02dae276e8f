"""The messenger: chats, their members, messages and what hangs off them, and the per-user event
log that live delivery replays from."""

from django.conf import settings
from django.db import models

from core.models import BaseModel


class ChatKind(models.TextChoices):
    PRIVATE = "private", "Private"
    GROUP = "group", "Group"
    CHANNEL = "channel", "Channel"


class Chat(BaseModel):
    kind = models.CharField(max_length=8, choices=ChatKind.choices)
    title = models.CharField(max_length=120, blank=True)
    description = models.TextField(max_length=1000, blank=True)
    avatar = models.ImageField(upload_to="chat_avatars/", blank=True)
    # Channels only: found by search and joinable without an invite.
    is_public = models.BooleanField(default=False)
    # Channels and groups: members who are not admins wait this long between two messages.
    slow_mode_seconds = models.PositiveIntegerField(default=0)
    # Private chats only: "<smaller user id>:<larger user id>", so that a pair has one chat.
    private_key = models.CharField(max_length=40, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    last_message = models.ForeignKey("Message", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta(BaseModel.Meta):
        indexes = [models.Index(fields=["kind", "is_public"], name="chat_public")]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} chat {self.pk}"


class MemberRole(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"


class Membership(BaseModel):
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_memberships")
    role = models.CharField(max_length=8, choices=MemberRole.choices, default=MemberRole.MEMBER)
    # Message ids, not timestamps: "read up to here" survives clock skew and equal timestamps.
    last_read_message_id = models.BigIntegerField(default=0)
    last_delivered_message_id = models.BigIntegerField(default=0)
    pinned_at = models.DateTimeField(null=True, blank=True)
    muted = models.BooleanField(default=False, help_text="No notifications from this chat.")
    archived = models.BooleanField(default=False)
    # Set by a group admin or a site moderator: cannot post until then.
    silenced_until = models.DateTimeField(null=True, blank=True)

    class Meta(BaseModel.Meta):
        constraints = [models.UniqueConstraint(fields=["chat", "user"], name="chat_member_once")]
        indexes = [models.Index(fields=["user", "archived"], name="chat_member_list")]

    def __str__(self):
        return f"{self.user_id} in {self.chat_id} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role in (MemberRole.OWNER, MemberRole.ADMIN)


class MessageKind(models.TextChoices):
    TEXT = "text", "Text"
    SYSTEM = "system", "System"
    # Reserved for what comes next; the fields below (kind + data) hold their details.
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"
    AUDIO = "audio", "Audio"
    VOICE = "voice", "Voice note"
    FILE = "file", "File"
    CALL = "call", "Call record"


class Message(BaseModel):
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="chat_messages")
    kind = models.CharField(max_length=8, choices=MessageKind.choices, default=MessageKind.TEXT)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # Kind-specific details: link cards now; attachment metadata, call duration later.
    data = models.JSONField(default=dict, blank=True)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    forwarded_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    forwarded_from_label = models.CharField(max_length=150, blank=True)
    silent = models.BooleanField(default=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ("-id",)
        indexes = [models.Index(fields=["chat", "-id"], name="chat_history"),
                   models.Index(fields=["chat", "sender", "-id"], name="chat_sender_recent")]

    def __str__(self):
        return f"Message {self.pk} in {self.chat_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class MessageEdit(models.Model):
    """One earlier version of a message: what it said until `replaced_at`."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="edits")
    body = models.TextField()
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)

    def __str__(self):
        return f"Earlier version of {self.message_id}"


class MessageClientKey(models.Model):
    """The key the sending client chose for a message (an app, or the page's offline outbox), so
    that a send retried after a lost answer or a dropped connection posts it once. Its own table:
    adding a column to chat_message would make SQLite rebuild that table and lose its search
    triggers (migration 0002)."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="client_key")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sender", "key"], name="chat_client_key_once")]

    def __str__(self):
        return f"Key of message {self.message_id}"


class MessageHidden(models.Model):
    """A message deleted for one user only."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "message"], name="chat_hidden_once")]

    def __str__(self):
        return f"{self.message_id} hidden for {self.user_id}"


class MessageHashtag(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="hashtags")
    tag = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "tag"], name="chat_hashtag_once")]
        indexes = [models.Index(fields=["tag"], name="chat_hashtag_tag")]

    def __str__(self):
        return f"#{self.tag}"


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        constraints = [models.UniqueConstraint(fields=["message", "user", "emoji"], name="chat_reaction_once")]

    def __str__(self):
        return f"{self.emoji} by {self.user_id} on {self.message_id}"


class InviteLink(BaseModel):
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="invite_links")
    token = models.CharField(max_length=43, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Invite to {self.chat_id}"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTIONED = "actioned", "Message removed"
    DISMISSED = "dismissed", "Dismissed"


class MessageReport(BaseModel):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta(BaseModel.Meta):
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="chat_report_once")]

    def __str__(self):
        return f"Report on {self.message_id}"


class PresenceStatus(models.TextChoices):
    ONLINE = "online", "Online"
    AWAY = "away", "Away"
    DND = "dnd", "Do not disturb"
    OFFLINE = "offline", "Offline"


class ChatUserState(models.Model):
    """Per user: the last event number handed out (the lock that orders a user's events), and
    presence."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="chat_state")
    last_event_id = models.BigIntegerField(default=0)
    # What the user chose (online, away, dnd); shown as offline while none of their sockets
    # holds a live presence lease (chat.presence_leases).
    chosen_status = models.CharField(max_length=8, choices=PresenceStatus.choices, default=PresenceStatus.ONLINE)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Chat state of {self.user_id}"


class ChatEvent(models.Model):
    """One event for one user, numbered 1, 2, 3... per user in commit order: what a reconnecting
    socket replays."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event_id = models.BigIntegerField()
    type = models.CharField(max_length=32)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("user", "event_id")
        constraints = [models.UniqueConstraint(fields=["user", "event_id"], name="chat_event_once")]

    def __str__(self):
        return f"{self.type} #{self.event_id} for {self.user_id}"



class AttachmentKind(models.TextChoices):
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"
    AUDIO = "audio", "Audio"
    VOICE = "voice", "Voice note"
    FILE = "file", "File"


class MessageAttachment(models.Model):
    """The file a message carries: a core.MediaAsset (private storage, the media job's poster,
    duration, waveform and thumbnail), served only to the chat's members (chat.attachments).
    A forwarded attachment is another row on the same asset: the file is stored once, and each
    row is served only to the members of its own chat."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="attachment")
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="+")
    # The asset goes with its owner's account (core), and its attachments with it; the messages stay.
    asset = models.ForeignKey("core.MediaAsset", on_delete=models.CASCADE, related_name="chat_attachments")
    kind = models.CharField(max_length=8, choices=AttachmentKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["chat", "-id"], name="chat_attachment_recent")]

    def __str__(self):
        return f"{self.kind} on message {self.message_id}"


# Bots live in their own module; imported here so that the app registry finds them.
from .bot_models import Bot, BotUpdate, WebhookDelivery, WebhookDeliveryStatus  # noqa: E402,F401
from .call_models import ChatCall, ChatCallParty  # noqa: E402,F401

# Secret chats (end to end) likewise.
from .secret_models import SecretChat, SecretKey, SecretMessage, SecretMessageKind  # noqa: E402,F401
