from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from core.admin import AppendOnlyAdmin

from . import services
from .models import (
    Achievement,
    ActivityDay,
    Follow,
    Notification,
    Preferences,
    Profile,
    Progress,
    User,
    UserAchievement,
    XPEvent,
)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0


class PreferencesInline(admin.StackedInline):
    model = Preferences
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "date_joined")
    search_fields = ("username", "email", "name")
    ordering = ("-date_joined",)
    fieldsets = DjangoUserAdmin.fieldsets + (("PrepForge", {"fields": ("name",)}),)
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )
    inlines = (ProfileInline, PreferencesInline)
    actions = ("send_test_notification",)

    def get_inlines(self, request, obj):
        return self.inlines if obj else ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.user_defaults_create(user=obj)

    @admin.action(description="Send a test notification")
    def send_test_notification(self, request, queryset):
        sent = 0
        for user in queryset.select_related("preferences"):
            if services.notification_send(user=user, type="system", title="Test notification from staff"):
                sent += 1
        self.message_user(request, f"Sent {sent} notification(s).", messages.SUCCESS)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "headline", "location", "experience_level", "updated_at")
    list_filter = ("experience_level",)
    search_fields = ("user__username", "user__email", "headline", "location")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ("user", "theme", "timezone", "public_profile", "show_stats", "show_activity")
    list_filter = ("theme", "public_profile", "show_stats", "show_activity")
    search_fields = ("user__username", "user__email", "timezone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "following", "created_at")
    list_filter = ("created_at",)
    search_fields = ("follower__username", "following__username")
    list_select_related = ("follower", "following")
    raw_id_fields = ("follower", "following")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "type", "title", "in_app", "read_at", "email_status", "created_at")
    list_filter = ("type", "in_app", "email_status", "created_at")
    search_fields = ("user__username", "title", "body")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "xp_total", "level", "current_streak", "longest_streak", "last_active_on")
    list_filter = ("level",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    readonly_fields = ("user", "xp_total", "level", "current_streak", "longest_streak", "last_active_on")

    def has_add_permission(self, request):
        return False


@admin.register(XPEvent)
class XPEventAdmin(AppendOnlyAdmin):
    """The ledger is append-only: staff can read it, not change it."""

    list_display = ("id", "user", "reason", "amount", "value", "source_type", "source_id", "created_at")
    list_filter = ("reason", "created_at")
    search_fields = ("user__username", "reason", "source_id")
    list_select_related = ("user",)


@admin.register(ActivityDay)
class ActivityDayAdmin(admin.ModelAdmin):
    list_display = ("user", "day")
    list_filter = ("day",)
    search_fields = ("user__username",)
    list_select_related = ("user",)


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ("icon", "name", "code", "category", "criteria_type", "event_type", "target", "reward_xp", "rarity", "is_active")
    list_display_links = ("name",)
    list_filter = ("category", "criteria_type", "rarity", "is_active")
    search_fields = ("code", "name", "description", "event_type")


@admin.register(UserAchievement)
class UserAchievementAdmin(admin.ModelAdmin):
    list_display = ("user", "achievement", "unlocked_at")
    list_filter = ("achievement__rarity", "achievement", "unlocked_at")
    search_fields = ("user__username", "achievement__name")
    list_select_related = ("user", "achievement")
    raw_id_fields = ("user",)
