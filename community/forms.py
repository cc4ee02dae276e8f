"""Forms of the community pages: they shape the fields; the services decide what is valid."""

import json

from django import forms

from .models import PostDifficulty, PostType, TemplateKind
from .services import CHALLENGE_TYPES, CODE_LANGUAGES

BLANK = [("", "—")]


class PostForm(forms.Form):
    type = forms.ChoiceField(choices=PostType.choices)
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=40_000,
                           help_text="Markdown. Mention people with @username.")
    tags = forms.CharField(required=False, max_length=200, help_text="Up to 5, separated by commas.")
    difficulty = forms.ChoiceField(choices=BLANK + PostDifficulty.choices, required=False)
    challenge_type = forms.ChoiceField(choices=BLANK + [(t, t) for t in CHALLENGE_TYPES], required=False)
    code_language = forms.ChoiceField(choices=BLANK + [(x, x) for x in CODE_LANGUAGES], required=False,
                                      label="Snippet language")
    code = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "mono"}),
                           required=False, label="Code snippet")
    project_html = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}), required=False,
                                   label="Project HTML")
    project_css = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}), required=False,
                                  label="Project CSS")
    project_js = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}), required=False,
                                 label="Project JavaScript")
    github_url = forms.CharField(required=False, max_length=200, label="GitHub URL")
    demo_url = forms.CharField(required=False, max_length=200, label="Live demo URL")
    linked_submission = forms.CharField(required=False, max_length=20, label="One of your submissions")
    linked_challenge = forms.CharField(required=False, max_length=80, label="One of your challenges")

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["linked_submission"] = data["linked_submission"] or None
        if data["linked_submission"] is not None and not str(data["linked_submission"]).isdigit():
            data["linked_submission"] = -1  # not an id: the service answers "not found"
        return data

    @staticmethod
    def initial_from(post) -> dict:
        initial = {name: getattr(post, name) for name in (
            "type", "title", "body", "difficulty", "challenge_type", "code_language", "code", "project_html",
            "project_css", "project_js", "github_url", "demo_url")}
        initial["tags"] = ", ".join(post.tags)
        initial["linked_submission"] = post.linked_submission_id or ""
        initial["linked_challenge"] = post.linked_challenge.slug if post.linked_challenge_id else ""
        return initial


class TemplateForm(forms.Form):
    title = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)
    kind = forms.ChoiceField(choices=TemplateKind.choices)
    language = forms.ChoiceField(choices=BLANK + [(x, x) for x in ("python", "javascript", "c", "cpp", "java")],
                                 required=False, help_text="For a project in a judge language.")
    entry = forms.CharField(required=False, max_length=200, help_text="The file Run starts (projects).")
    category = forms.CharField(max_length=40)
    framework = forms.CharField(max_length=40, required=False)
    difficulty = forms.ChoiceField(choices=PostDifficulty.choices)
    tags = forms.CharField(required=False, max_length=200, help_text="Separated by commas.")
    features = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One a line.")
    html = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}), required=False,
                           label="index.html")
    css = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}), required=False,
                          label="style.css")
    js = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}), required=False,
                         label="script.js")
    files_json = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}), required=False,
                                 label="Project files (JSON)",
                                 help_text='For projects: [{"path": "main.py", "content": "..."}]')

    def clean_files_json(self):
        raw = self.cleaned_data.get("files_json") or ""
        if not raw.strip():
            return []
        try:
            files = json.loads(raw)
        except ValueError:
            raise forms.ValidationError("Not valid JSON.")
        if not isinstance(files, list):
            raise forms.ValidationError("A JSON list of {\"path\", \"content\"}.")
        return files

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data["kind"] == TemplateKind.WEB:
            files = [{"path": "index.html", "content": data["html"]}]
            if data["css"]:
                files.append({"path": "style.css", "content": data["css"]})
            if data["js"]:
                files.append({"path": "script.js", "content": data["js"]})
        else:
            files = data["files_json"]
        for name in ("html", "css", "js", "files_json"):
            data.pop(name)
        data["files"] = files
        return data

    @staticmethod
    def initial_from(template) -> dict:
        initial = {name: getattr(template, name) for name in (
            "title", "description", "kind", "language", "entry", "category", "framework", "difficulty")}
        initial["tags"] = ", ".join(template.tags)
        initial["features"] = "\n".join(template.features)
        if template.kind == TemplateKind.WEB:
            initial.update(html=template.file("index.html"), css=template.file("style.css"),
                           js=template.file("script.js"))
        else:
            initial["files_json"] = json.dumps(template.files, indent=2)
        return initial
