"""Forms of the learning pages (playlists, challenge reviews, code reviews)."""

from django import forms

from .models import CodeReviewStatus, CommentKind


class PlaylistReviewForm(forms.Form):
    rating = forms.TypedChoiceField(choices=[(n, f"{n} / 5") for n in range(5, 0, -1)], coerce=int)
    text = forms.CharField(max_length=5_000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ProjectForm(forms.Form):
    url = forms.URLField(max_length=500, label="Link to your project", assume_scheme="https")


class ChallengeReviewForm(forms.Form):
    rating = forms.TypedChoiceField(choices=[(n, f"{n} / 5") for n in range(5, 0, -1)], coerce=int)
    title = forms.CharField(max_length=120)
    text = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}), label="Review")
    tags = forms.CharField(max_length=250, required=False, help_text="Comma-separated, e.g. clear, tricky edge cases")

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class ReplyForm(forms.Form):
    text = forms.CharField(max_length=5_000, widget=forms.Textarea(attrs={"rows": 2}), label="Reply")


class CodeReviewRequestForm(forms.Form):
    message = forms.CharField(max_length=5_000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              label="What would you like feedback on?")


class CommentForm(forms.Form):
    kind = forms.ChoiceField(choices=CommentKind.choices, initial=CommentKind.GENERAL)
    line_start = forms.IntegerField(min_value=1, max_value=100_000, required=False, label="From line")
    line_end = forms.IntegerField(min_value=1, max_value=100_000, required=False, label="To line")
    body = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}), label="Comment")
    suggestion = forms.CharField(max_length=100_000, required=False, strip=False, label="Suggested code",
                                 widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
                                 help_text="For a suggestion: the code that replaces those lines.")


class ScoreForm(forms.Form):
    code_quality = forms.IntegerField(min_value=1, max_value=5)
    performance = forms.IntegerField(min_value=1, max_value=5)
    readability = forms.IntegerField(min_value=1, max_value=5)
    tests = forms.IntegerField(min_value=1, max_value=5)
    summary = forms.CharField(max_length=5_000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[c for c in CodeReviewStatus.choices if c[0] != "pending"])


class VersionForm(forms.Form):
    source = forms.CharField(max_length=200_000, strip=False, widget=forms.Textarea(attrs={"rows": 10,
                                                                                         "spellcheck": "false"}))
    note = forms.CharField(max_length=200, required=False)
