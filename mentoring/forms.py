from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from accounts.forms import gds_helper
from accounts.models import User

from . import selectors
from .models import Expertise, MentorProfile


def slot_label(slot: selectors.Slot, *, with_mentor: bool) -> str:
    start = timezone.localtime(slot.starts_at)
    end = timezone.localtime(slot.ends_at)
    label = f"{start:%A} {start.day} {start:%B}, {start:%H:%M} to {end:%H:%M}"
    return f"{label} with {slot.mentor.full_name}" if with_mentor else label


class SlotField(forms.ChoiceField):
    """Radios of free slots. Any well-formed value passes here: the service re-derives the slot, so a
    slot taken since the page loaded gets a 'just booked' answer with the nearest free times."""

    def valid_value(self, value) -> bool:
        return selectors.parse_slot_value(value) is not None


class SlotForm(forms.Form):
    slot = SlotField(
        label="Choose a time",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a time", "invalid_choice": "Choose a time from the list"},
    )
    agenda = forms.CharField(
        label="What do you want help with?",
        help_text="For example, the blocking rules in your Splink model, or cleaning address data.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what you want help with"},
    )

    def __init__(
        self, *args, slots: list, with_mentor: bool, mentors: set[int], agenda: bool = True, submit: str, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.mentors = mentors
        self.fields["slot"].choices = [(slot.value, slot_label(slot, with_mentor=with_mentor)) for slot in slots]
        fields = [Field.radios("slot", legend_size=Size.MEDIUM, legend_tag="h2")]
        if agenda:
            fields.append(Field.textarea("agenda"))
        else:
            del self.fields["agenda"]
        self.helper = gds_helper(*fields, submit=submit)

    def clean_slot(self):
        parsed = selectors.parse_slot_value(self.cleaned_data["slot"])
        if parsed is None or parsed[0] not in self.mentors:
            raise forms.ValidationError("Choose a time from the list")
        return parsed


class ExpertiseFilterForm(forms.Form):
    expertise = forms.ChoiceField(
        label="Expertise", required=False, choices=[("", "Any expertise"), *Expertise.choices]
    )


class MoveRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to move it?",
        max_length=300,
        error_messages={"required": "Enter why you need to move the session"},
    )


class NotesForm(forms.Form):
    notes = forms.CharField(label="Session notes", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    action_points = forms.CharField(
        label="Action points", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="One per line"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("notes"), Field.textarea("action_points"), submit="Save notes")


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How useful was the session?",
        coerce=int,
        choices=[(5, "5 – very useful"), (4, "4"), (3, "3"), (2, "2"), (1, "1 – not useful")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 to 5", "invalid_choice": "Choose a rating from 1 to 5"},
    )
    feedback = forms.CharField(
        label="Feedback for your mentor", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("rating", legend_size=Size.SMALL, inline=True),
            Field.textarea("feedback"),
            submit="Send feedback",
        )


class AllocationForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=User.objects.officers(), error_messages={"required": "Choose an officer"})
    mentor = forms.ModelChoiceField(queryset=User.objects.mentors(), required=False)


class MentorProfileForm(forms.ModelForm):
    expertise = forms.MultipleChoiceField(
        choices=Expertise.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Expertise"
    )

    class Meta:
        model = MentorProfile
        fields = ["expertise", "bio", "session_minutes", "buffer_minutes", "min_notice_hours", "max_sessions_per_day"]
        labels = {
            "session_minutes": "Session length",
            "buffer_minutes": "Break between sessions, in minutes",
            "min_notice_hours": "Minimum notice for bookings, in hours",
            "max_sessions_per_day": "Most sessions in one day",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.checkboxes("expertise", legend_size=Size.SMALL, small=True),
            Field.textarea("bio"),
            Field.radios("session_minutes", legend_size=Size.SMALL, inline=True),
            Field.text("buffer_minutes", field_width=4),
            Field.text("min_notice_hours", field_width=4),
            Field.text("max_sessions_per_day", field_width=4),
            submit="Save profile",
        )


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day",
        coerce=int,
        choices=[(i, name) for i, name in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])],
        error_messages={"required": "Choose a day"},
    )
    starts_time = forms.TimeField(
        label="From (London time, like 10:00)",
        error_messages={"required": "Enter a start time", "invalid": "Enter a start time like 10:00"},
    )
    ends_time = forms.TimeField(
        label="To (London time, like 16:00)",
        error_messages={"required": "Enter an end time", "invalid": "Enter an end time like 16:00"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("weekday"),
            Field.text("starts_time", field_width=5),
            Field.text("ends_time", field_width=5),
            submit="Add weekly time",
        )

    def clean(self):
        data = super().clean()
        if data.get("starts_time") and data.get("ends_time") and data["ends_time"] <= data["starts_time"]:
            self.add_error("ends_time", "Enter an end time after the start time")
        return data
