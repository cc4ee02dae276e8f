"""Secret chats in the Django admin, read-only: staff see who talks to whom, when, and which keys,
never what (there is nothing to see but ciphertext, and the ciphertext itself is not shown)."""

from django.contrib import admin

from .admin import ReadOnlyAdmin
from .secret_models import SecretChat, SecretKey, SecretMessage


@admin.register(SecretKey)
class SecretKeyAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "wrap_iterations", "created_at", "retired_at")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    fields = ("user", "public_key", "wrap_iterations", "created_at", "retired_at")


@admin.register(SecretChat)
class SecretChatAdmin(ReadOnlyAdmin):
    list_display = ("id", "user_low", "user_high", "created_at", "last_activity_at")
    search_fields = ("user_low__username", "user_high__username")
    list_select_related = ("user_low", "user_high")
    fields = ("user_low", "user_high", "created_at", "last_activity_at")


@admin.register(SecretMessage)
class SecretMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "chat", "sender", "kind", "sealed_bytes", "created_at")
    list_filter = ("kind",)
    list_select_related = ("chat", "sender")
    fields = ("chat", "sender", "kind", "sender_key", "recipient_key", "created_at")

    @admin.display(description="Ciphertext (base64 characters)")
    def sealed_bytes(self, message):
        return len(message.ciphertext)
