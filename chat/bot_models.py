"""Chat bots: an account that members add to chats, driven by its owner's program through the bot
API with a token, and told of messages addressed to it by getUpdates or an outgoing webhook."""

from django.conf import settings
from django.db import models

from core.models import BaseModel


class Bot(BaseModel):
    # Deleting the owner's account deletes the bot's account too (accounts.selectors reads this):
    # left behind, it would stay in chats under an owner nobody can reach.
    ACCOUNT_DELETED_WITH_OWNER = "user"

    # The bot's own account: what chats list as a member and messages show as the sender. It has
    # no usable password and an address that receives no mail, so nobody signs in as it.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bot")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_bots")
    # SHA-256 of the token (tokens are 32 random bytes: a fast hash is enough). Empty: revoked.
    token_hash = models.CharField(max_length=64, blank=True)
    token_hint = models.CharField(max_length=12, blank=True, help_text="The token's last characters, to tell tokens apart.")
    token_created_at = models.DateTimeField(null=True, blank=True)
    token_revoked_at = models.DateTimeField(null=True, blank=True)
    webhook_url = models.CharField(max_length=2048, blank=True)
    # Signs deliveries (HMAC-SHA256); the server needs it in clear to sign, so it is kept, and
    # shown only to the owner.
    webhook_secret = models.CharField(max_length=64, blank=True)
    # The last update number handed out (the row is locked while one is added).
    last_update_id = models.BigIntegerField(default=0)

    def __str__(self):
        return f"Bot @{self.user.username}" if self.user_id else "Bot"


class BotUpdate(models.Model):
    """Something for the bot (a message addressed to it), numbered 1, 2, 3... per bot. getUpdates
    with an offset confirms (deletes) the updates before it, as in Telegram's bot API."""

    bot = models.ForeignKey(Bot, on_delete=models.CASCADE, related_name="updates")
    update_id = models.BigIntegerField()
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("bot", "update_id")
        constraints = [models.UniqueConstraint(fields=["bot", "update_id"], name="chat_bot_update_once")]

    def __str__(self):
        return f"Update {self.update_id} of bot {self.bot_id}"


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(BaseModel):
    """One update sent to the bot's webhook, with every attempt (the owner's delivery log)."""

    bot = models.ForeignKey(Bot, on_delete=models.CASCADE, related_name="deliveries")
    update_id = models.BigIntegerField()
    payload = models.JSONField()
    url = models.CharField(max_length=2048)
    status = models.CharField(max_length=10, choices=WebhookDeliveryStatus.choices, default=WebhookDeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # [{at, status_code, error, duration_ms, response_bytes, truncated, response_excerpt}], one per attempt.
    attempt_log = models.JSONField(default=list, blank=True)

    class Meta(BaseModel.Meta):
        indexes = [models.Index(fields=["bot", "-id"], name="chat_bot_delivery_log"),
                   models.Index(fields=["status", "next_attempt_at"], name="chat_bot_delivery_due")]

    def __str__(self):
        return f"Delivery of update {self.update_id} to bot {self.bot_id}"
