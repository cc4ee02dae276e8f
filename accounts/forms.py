from django import forms

from .models import ExperienceLevel, Preferences


class ProfileForm(forms.Form):
    name = forms.CharField(max_length=120, required=False, label="Full name")
    headline = forms.CharField(max_length=140, required=False,
                               help_text="One line, e.g. “Backend engineer preparing for FAANG interviews”.")
    bio = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5}),
                          help_text="Markdown is supported.")
    location = forms.CharField(max_length=120, required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    github_username = forms.CharField(max_length=39, required=False, label="GitHub username")
    linkedin_url = forms.URLField(required=False, label="LinkedIn profile URL", assume_scheme="https")
    skills = forms.CharField(max_length=2000, required=False, help_text="Separated by commas.")
    experience_level = forms.ChoiceField(choices=[("", "—")] + ExperienceLevel.choices, required=False)
    years_of_experience = forms.IntegerField(min_value=0, max_value=70, required=False)


class AvatarForm(forms.Form):
    avatar = forms.FileField(help_text="PNG, JPEG, GIF or WebP, at most 2 MB. It is cropped to a square.",
                             widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}))


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = (
            "theme", "timezone", "inapp_achievement", "inapp_challenge", "inapp_social", "inapp_peer", "inapp_system",
            "email_achievement", "email_challenge", "email_social", "email_peer", "email_system",
            "public_profile", "show_stats", "show_activity",
        )
        widgets = {"timezone": forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"})}


class AnnouncementForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    url = forms.CharField(max_length=500, required=False, label="Link (optional)")
