from django import forms

from ..engine.peer_schedule import (
    MAX_SLOT_MINUTES,
    MIN_SLOT_MINUTES,
    PEER_LANGUAGES,
    PEER_LEVELS,
    PEER_TOPICS,
)
from .models import HintsNeeded, WouldHire

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"), (5, "Saturday"),
            (6, "Sunday")]


class _OfferForm(forms.Form):
    minutes = forms.IntegerField(min_value=MIN_SLOT_MINUTES, max_value=MAX_SLOT_MINUTES, initial=60,
                                 label="Length (minutes)")
    topics = forms.MultipleChoiceField(choices=PEER_TOPICS, widget=forms.CheckboxSelectMultiple)
    level = forms.ChoiceField(choices=PEER_LEVELS)
    languages = forms.MultipleChoiceField(choices=PEER_LANGUAGES, widget=forms.CheckboxSelectMultiple, required=False)


class OneOffForm(_OfferForm):
    starts_at = forms.DateTimeField(label="Starts (your time zone)",
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    field_order = ["starts_at", "minutes", "topics", "level", "languages"]


class WeeklyForm(_OfferForm):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(label="At (your time zone)", widget=forms.TimeInput(attrs={"type": "time"}))

    field_order = ["weekday", "start_time", "minutes", "topics", "level", "languages"]


class FindForm(forms.Form):
    topic = forms.ChoiceField(choices=[("", "Any topic")] + list(PEER_TOPICS), required=False)
    level = forms.ChoiceField(choices=[("", "Any level")] + list(PEER_LEVELS), required=False)
    language = forms.ChoiceField(choices=[("", "Any language")] + list(PEER_LANGUAGES), required=False)


SCORES = [(n, str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    problem_solving = forms.TypedChoiceField(choices=SCORES, coerce=int, widget=forms.RadioSelect,
                                             label="Problem solving (1 weak ... 5 excellent)")
    communication = forms.TypedChoiceField(choices=SCORES, coerce=int, widget=forms.RadioSelect,
                                           label="Communication")
    code_quality = forms.TypedChoiceField(choices=SCORES, coerce=int, widget=forms.RadioSelect, label="Code quality")
    hints_needed = forms.ChoiceField(choices=HintsNeeded.choices, widget=forms.RadioSelect, label="Hints needed")
    would_hire = forms.ChoiceField(choices=WouldHire.choices, widget=forms.RadioSelect, label="Would you hire them?")
    rating = forms.TypedChoiceField(choices=SCORES, coerce=int, widget=forms.RadioSelect, label="Overall rating")
    comments = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=4000, required=False,
                               label="What went well, what to work on")
