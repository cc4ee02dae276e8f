from django.contrib import admin

from .models import DocumentUpdate, InterviewerNote, Participant, Room, RoomMessage, RoomRun


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("title", "interviewer", "language", "status", "last_activity_at", "created_at")
    list_filter = ("status", "language", "created_at")
    search_fields = ("title", "interviewer__username")
    list_select_related = ("interviewer",)
    raw_id_fields = ("interviewer", "challenge")
    inlines = (ParticipantInline,)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("room", "user", "guest_name", "role", "last_seen_at")
    list_filter = ("role",)
    search_fields = ("guest_name", "user__username", "room__title")
    list_select_related = ("room", "user")
    raw_id_fields = ("room", "user")


@admin.register(RoomMessage)
class RoomMessageAdmin(admin.ModelAdmin):
    list_display = ("room", "participant", "text", "created_at")
    list_filter = ("created_at",)
    search_fields = ("text", "room__title")
    list_select_related = ("room", "participant")
    raw_id_fields = ("room", "participant")


@admin.register(RoomRun)
class RoomRunAdmin(admin.ModelAdmin):
    list_display = ("room", "participant", "language", "verdict", "wall_time", "created_at")
    list_filter = ("verdict", "language")
    search_fields = ("room__title",)
    list_select_related = ("room", "participant")
    raw_id_fields = ("room", "participant")


@admin.register(DocumentUpdate)
class DocumentUpdateAdmin(admin.ModelAdmin):
    list_display = ("id", "room", "participant", "created_at")
    list_filter = ("created_at",)
    search_fields = ("room__title",)
    list_select_related = ("room", "participant")
    raw_id_fields = ("room", "participant")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InterviewerNote)
class InterviewerNoteAdmin(admin.ModelAdmin):
    list_display = ("room", "updated_at")
    search_fields = ("room__title", "text")
    raw_id_fields = ("room",)
