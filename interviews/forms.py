from django import forms

from . import services
from .models import Difficulty, InterviewType


class StartForm(forms.Form):
    interview_type = forms.ChoiceField(label="Type", choices=InterviewType.choices, initial=InterviewType.MIXED)
    difficulty = forms.ChoiceField(choices=Difficulty.choices, initial=Difficulty.MEDIUM)
    length = forms.IntegerField(label="Questions", min_value=services.MIN_LENGTH, max_value=services.MAX_LENGTH,
                                initial=5)
    target = forms.ChoiceField(label="Aim at", required=False, help_text="One of your saved jobs or resume analyses.")
    job_description = forms.CharField(label="Or paste a job description", required=False,
                                      max_length=services.JOB_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    challenge = forms.CharField(label="Coding challenge (technical interviews)", required=False, max_length=120,
                                help_text="A PrepForge challenge's slug, e.g. two-sum: you code it in a live room "
                                          "during the interview, and the report replays your code beside your words.")

    def __init__(self, *args, jobs=(), analyses=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Nothing in particular")]
        choices += [(f"job:{j.pk}", f"Job: {j.title}") for j in jobs]
        choices += [(f"analysis:{a.pk}", f"Resume analysis: {a.version.resume.title} ({a.total}/100)")
                    for a in analyses]
        self.fields["target"].choices = choices
