"""The messenger in the Django admin. Rows are changed only through the services (the actions
below), so that members hear of it and moderation is audited."""

from django.contrib import admin, messages

from core.exceptions import ApplicationError

from . import services
from .models import Chat, InviteLink, Membership, Message, MessageReport, ReportStatus


def _each(modeladmin, request, rows, action) -> None:
    done = 0
    for row in rows:
        try:
            action(row)
            done += 1
        except ApplicationError as error:
            modeladmin.message_user(request, f"{row}: {error.message}", messages.WARNING)
    modeladmin.message_user(request, f"{done} done.")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    fields = ("user", "role", "silenced_until", "last_read_message_id", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Chat)
class ChatAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "is_public", "slow_mode_seconds", "last_activity_at", "created_at")
    list_filter = ("kind", "is_public")
    search_fields = ("title", "description")
    readonly_fields = ("kind", "title", "description", "is_public", "slow_mode_seconds", "created_by",
                       "last_message", "last_activity_at")
    exclude = ("private_key", "avatar")
    inlines = (MembershipInline,)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "chat", "sender", "kind", "short_body", "edited_at", "deleted_at", "created_at")
    list_filter = ("kind", "created_at", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("body", "sender__username", "chat__title")
    list_select_related = ("chat", "sender")
    readonly_fields = ("chat", "sender", "kind", "body", "reply_to", "forwarded_from_label", "silent", "edited_at",
                       "deleted_at", "deleted_by")
    exclude = ("body_html", "data", "forwarded_from")
    actions = ("remove_for_everyone",)

    @admin.display(description="text")
    def short_body(self, message):
        return message.body[:80]

    @admin.action(description="Remove for everyone (moderation, audited)", permissions=["view"])
    def remove_for_everyone(self, request, queryset):
        _each(self, request, queryset.select_related("chat", "sender"),
              lambda m: services.message_moderate_delete(actor=request.user, message=m))


@admin.register(MessageReport)
class MessageReportAdmin(ReadOnlyAdmin):
    list_display = ("id", "message", "reporter", "reason", "status", "handled_by", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("reason", "message__body", "reporter__username")
    list_select_related = ("message", "reporter", "handled_by")
    readonly_fields = ("message", "reporter", "reason", "status", "handled_by")
    actions = ("remove_messages", "dismiss")

    @admin.action(description="Remove the reported messages", permissions=["view"])
    def remove_messages(self, request, queryset):
        _each(self, request, queryset.select_related("message__chat", "message__sender"),
              lambda r: services.message_moderate_delete(actor=request.user, message=r.message))

    @admin.action(description="Dismiss", permissions=["view"])
    def dismiss(self, request, queryset):
        _each(self, request, queryset.filter(status=ReportStatus.OPEN).select_related("message__chat"),
              lambda r: services.report_dismiss(actor=request.user, report=r))


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("chat", "user", "role", "silenced_until", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "chat__title")
    list_select_related = ("chat", "user")
    readonly_fields = ("chat", "user", "role", "silenced_until", "muted", "archived", "pinned_at")
    exclude = ("last_read_message_id", "last_delivered_message_id")
    actions = ("mute_for_a_day", "lift_mute")

    @admin.action(description="Mute in the chat for 24 hours (audited)", permissions=["view"])
    def mute_for_a_day(self, request, queryset):
        _each(self, request, queryset.select_related("chat", "user"),
              lambda m: services.member_silence(actor=request.user, chat=m.chat, user=m.user, minutes=24 * 60))

    @admin.action(description="Lift the mute", permissions=["view"])
    def lift_mute(self, request, queryset):
        _each(self, request, queryset.select_related("chat", "user"),
              lambda m: services.member_silence(actor=request.user, chat=m.chat, user=m.user, minutes=0))


@admin.register(InviteLink)
class InviteLinkAdmin(ReadOnlyAdmin):
    list_display = ("chat", "created_by", "revoked_at", "created_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("chat", "created_by")
    readonly_fields = ("chat", "created_by", "revoked_at")
    exclude = ("token",)
    actions = ("revoke",)

    @admin.action(description="Revoke", permissions=["view"])
    def revoke(self, request, queryset):
        _each(self, request, queryset.select_related("chat"),
              lambda link: services.invite_link_revoke(actor=request.user, link=link))


# --- bots ---------------------------------------------------------------------------------------

from .bot_models import Bot, WebhookDelivery  # noqa: E402


@admin.register(Bot)
class BotAdmin(ReadOnlyAdmin):
    list_display = ("user", "owner", "token_hint", "token_revoked_at", "webhook_url", "created_at")
    search_fields = ("user__username", "owner__username", "owner__email")
    list_select_related = ("user", "owner")
    # The webhook secret signs deliveries: staff see that there is one, not what it is.
    exclude = ("token_hash", "webhook_secret")
    actions = ["revoke_tokens"]

    @admin.action(description="Revoke the selected bots' tokens")
    def revoke_tokens(self, request, queryset):
        from . import bot_services

        _each(self, request, queryset.select_related("owner"),
              lambda bot: bot_services.bot_token_revoke(owner=bot.owner, bot=bot))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("id", "bot", "update_id", "status", "attempts", "last_status_code", "last_error", "created_at")
    list_filter = ("status",)
    search_fields = ("bot__user__username", "url")
    list_select_related = ("bot__user",)


# Secret chats' registrations live in their own module.
from . import secret_admin  # noqa: E402,F401
