"""Secret chats: end-to-end encrypted conversations between two people. The server holds public
keys, private keys wrapped under the owner's passphrase (which never leaves the browser), and
ciphertext; nothing here can be read without a passphrase. They are kept apart from `Message`
on purpose: search, bots, webhooks, link cards and mention notifications read `Message` only, so
none of them can see (or pretend to show) a secret message."""

from django.conf import settings
from django.db import models


class SecretKey(models.Model):
    """One identity key of a user. The newest unretired one is current; older ones stay so that
    history sealed under them can still be opened by whoever still has their passphrase."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="secret_keys")
    # Base64 of the raw uncompressed P-256 point (65 bytes).
    public_key = models.CharField(max_length=88)
    # Base64 of AES-GCM(PBKDF2(passphrase, salt, iterations), iv, PKCS#8 private key).
    wrapped_private_key = models.CharField(max_length=700)
    wrap_salt = models.CharField(max_length=88)
    wrap_iv = models.CharField(max_length=16)
    wrap_iterations = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(retired_at__isnull=True),
                                               name="chat_secret_key_one_current")]

    def __str__(self):
        return f"Secret key {self.pk} of {self.user_id}"


class SecretChat(models.Model):
    """A pair of people. `user_low` has the smaller id, so that a pair has one secret chat."""

    user_low = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_high = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The peer key each side last compared (trust on first use, then "I compared them again"):
    # while the peer's current key is another one, that side sees the changed-key warning.
    low_trusts_key = models.ForeignKey(SecretKey, null=True, on_delete=models.SET_NULL, related_name="+")
    high_trusts_key = models.ForeignKey(SecretKey, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_low", "user_high"], name="chat_secret_pair_once"),
                       models.CheckConstraint(condition=models.Q(user_low__lt=models.F("user_high")),
                                              name="chat_secret_pair_ordered")]

    def __str__(self):
        return f"Secret chat {self.pk}"

    def peer_id(self, user_id: int) -> int:
        return self.user_high_id if user_id == self.user_low_id else self.user_low_id


class SecretMessageKind(models.TextChoices):
    SEALED = "sealed", "Encrypted message"
    # A notice in the history: the sender published a new key (the changed-key warning's place).
    KEY_CHANGED = "key_changed", "Key changed"


class SecretMessage(models.Model):
    chat = models.ForeignKey(SecretChat, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=12, choices=SecretMessageKind.choices, default=SecretMessageKind.SEALED)
    # Sealed: the sender's key and the key it was sealed for (the recipient's current one then).
    # Key changed: the new key in sender_key.
    sender_key = models.ForeignKey(SecretKey, null=True, on_delete=models.SET_NULL, related_name="+")
    recipient_key = models.ForeignKey(SecretKey, null=True, on_delete=models.SET_NULL, related_name="+")
    iv = models.CharField(max_length=16, blank=True)
    ciphertext = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-id",)
        indexes = [models.Index(fields=["chat", "-id"], name="chat_secret_history")]

    def __str__(self):
        return f"Secret message {self.pk} in {self.chat_id}"
