from django.contrib import admin

from .models import Analysis, JobDescription, Resume, ResumeVersion, Roadmap


class VersionInline(admin.TabularInline):
    model = ResumeVersion
    extra = 0
    fields = ("number", "note", "file_kind", "parse_status", "general_score", "created_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(Resume)
class ResumeAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "updated_at")
    search_fields = ("title", "user__username")
    list_filter = ("created_at",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    inlines = (VersionInline,)


@admin.register(ResumeVersion)
class ResumeVersionAdmin(admin.ModelAdmin):
    list_display = ("resume", "number", "file_kind", "parse_status", "general_score", "created_at")
    list_filter = ("parse_status", "file_kind")
    search_fields = ("resume__title", "resume__user__username", "parse_error")
    list_select_related = ("resume",)
    raw_id_fields = ("resume",)
    # The uploaded file is private to its owner: its stored name only, no link.
    exclude = ("file",)
    readonly_fields = ("stored_file",)

    @admin.display(description="Stored file")
    def stored_file(self, version):
        return version.file.name or "-"


@admin.register(JobDescription)
class JobDescriptionAdmin(admin.ModelAdmin):
    list_display = ("title", "company", "user", "created_at")
    search_fields = ("title", "company", "user__username", "text")
    list_filter = ("created_at",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = ("version", "job", "total", "role_family", "created_at")
    list_filter = ("role_family", "created_at")
    search_fields = ("version__resume__title", "job__title", "user__username")
    list_select_related = ("version__resume", "job")
    raw_id_fields = ("user", "version", "job")


@admin.register(Roadmap)
class RoadmapAdmin(admin.ModelAdmin):
    list_display = ("target_role", "current_level", "user", "engine", "created_at")
    list_filter = ("engine", "current_level")
    search_fields = ("target_role", "user__username")
    raw_id_fields = ("user",)
