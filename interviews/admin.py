import json

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from core.exceptions import ValidationFailed

from . import selectors, services
from .engine import CALIBRATION_MODEL, SeedError, parse_question
from .models import InterviewSession, InterviewTurn, Question

IMPORT_MAX_BYTES = 2 * 1024 * 1024


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ("slug", "category", "difficulty", "prompt", "skills", "role_families", "keywords", "star", "hints",
                  "talking_points", "rubric", "follow_ups", "sample_strong_answer", "sample_weak_answer",
                  "is_active")

    def clean(self):
        data = super().clean()
        known_skills, known_families = services._known()
        try:
            parse_question({k: v for k, v in data.items() if k != "is_active"} | {"slug": data.get("slug")},
                           known_skills=known_skills, known_role_families=known_families)
        except SeedError as error:
            raise forms.ValidationError(str(error)) from error
        return data


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A seed file: TOML ([[question]] tables) or JSON as exported.")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    list_display = ("slug", "category", "difficulty", "calibrated", "rated_answers", "times_asked", "is_active")
    list_filter = ("category", "difficulty", "star", "is_active")
    search_fields = ("slug", "prompt", "keywords")
    readonly_fields = ("rating", "rated_answers", "times_asked", "calibrated")
    actions = ("export_selected",)
    change_list_template = "admin/interviews/question/change_list.html"

    @admin.display(description=f"calibrated ({CALIBRATION_MODEL})")
    def calibrated(self, question):
        label = question.calibrated_difficulty
        return f"{label} · {question.rating:.0f}" if label else "—"

    @admin.action(description="Export the selected questions (JSON, the seed format)")
    def export_selected(self, request, queryset):
        response = HttpResponse(json.dumps(selectors.questions_export(queryset), indent=2, ensure_ascii=False),
                                content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="questions.json"'
        return response

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="interviews_question_import"),
                *super().get_urls()]

    def import_view(self, request):
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > IMPORT_MAX_BYTES:
                    raise ValidationFailed("An import file is at most 2 MB.")
                content = upload.read().decode("utf-8")
                if content.lstrip().startswith("{"):
                    try:
                        items = json.loads(content).get("question", [])
                    except (ValueError, AttributeError) as error:
                        raise ValidationFailed("Not valid JSON.") from error
                else:
                    items = services.questions_parse_toml(content)
                counts = services.questions_import(items=items, actor=request.user)
            except UnicodeDecodeError:
                form.add_error("file", "The file is not UTF-8 text.")
            except ValidationFailed as error:
                form.add_error("file", error.message)
            else:
                self.message_user(request, f"Imported: {counts['created']} created, {counts['updated']} updated, "
                                           f"{counts['unchanged']} unchanged.", messages.SUCCESS)
                return redirect("admin:interviews_question_changelist")
        return render(request, "admin/interviews/question/import.html",
                      {**self.admin_site.each_context(request), "form": form, "title": "Import questions",
                       "opts": self.model._meta})


class TurnInline(admin.TabularInline):
    model = InterviewTurn
    extra = 0
    fields = ("index", "kind", "question", "prompt", "overall", "engine", "answered_at")
    readonly_fields = fields
    can_delete = False


@admin.register(InterviewSession)
class InterviewSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "interview_type", "difficulty", "length", "status", "created_at")
    list_filter = ("interview_type", "difficulty", "status")
    search_fields = ("user__email", "user__username", "job_title")
    raw_id_fields = ("user", "job", "analysis")
    readonly_fields = ("report", "share_token", "ability", "level")
    inlines = (TurnInline,)

from .peer import admin as peer_admin  # noqa: E402, F401 (registers the peer interview models)
