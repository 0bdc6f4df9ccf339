from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from common.formatting import format_date, format_time
from common.forms import GovukForm, GovukFormMixin, gds_date_field, gds_helper

from . import selectors
from .models import Expertise, MentorProfile


def slot_label(slot: selectors.Slot, *, with_mentor: bool) -> str:
    start = timezone.localtime(slot.starts_at)
    end = timezone.localtime(slot.ends_at)
    label = f"{format_date(start, 'weekday,no_year')}, {format_time(start)} to {format_time(end)}"
    return f"{label} with {slot.mentor.full_name}" if with_mentor else label


class SlotField(forms.ChoiceField):
    """Radios of free slots. Any well-formed value passes here: the service re-derives the slot, so a
    slot taken since the page loaded gets a 'just booked' answer with the nearest free times."""

    def valid_value(self, value) -> bool:
        return selectors.parse_slot_value(value) is not None


class SlotForm(GovukForm):
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


class ExpertiseFilterForm(GovukForm):
    expertise = forms.ChoiceField(
        label="Expertise", required=False, choices=[("", "Any expertise"), *Expertise.choices]
    )


class MoveRequestForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need to move it?",
        max_length=300,
        error_messages={"required": "Enter why you need to move the session"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The session page writes this form by hand (beside the accept button); the helper lets the
        # error summary list its errors like every other form's.
        self.helper = gds_helper(Field.text("reason"), submit="Ask to move it")


class NotesForm(GovukForm):
    notes = forms.CharField(label="Session notes", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    action_points = forms.CharField(
        label="Action points", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="One per line"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("notes"), Field.textarea("action_points"), submit="Save notes")


class FeedbackForm(GovukForm):
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


class AllocationRowForm(forms.Form):
    """One officer's line of the cohort's allocation formset. The mentor choices come from the
    formset (one query for the whole page), not from a queryset per row."""

    officer = forms.IntegerField(widget=forms.HiddenInput)
    mentor = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Lead mentor")

    def __init__(self, *args, mentor_choices, officer_names, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [("", "No lead mentor"), *mentor_choices]
        self.officer_names = officer_names
        name = officer_names.get(self.initial.get("officer"), "")
        self.fields["mentor"].label = f"Lead mentor for {name}"
        self.fields["mentor"].error_messages["invalid_choice"] = f"Choose a mentor from the list for {name}"

    @property
    def officer_name(self) -> str:
        return self.officer_names.get(self.initial.get("officer"), "")

    def mentor_options(self) -> SafeString:
        """The select's options, the current one selected: twenty mentors on each of fifteen lines were
        a third of the page's time as template loops (issue 16). Labels are escaped by format_html."""
        chosen = str(self["mentor"].value())
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, mark_safe(" selected") if str(value) == chosen else "", label)
                for value, label in self.fields["mentor"].choices
            ),
        )


class BaseAllocationFormSet(forms.BaseFormSet):
    def __init__(self, *args, officers: list[int], **kwargs):
        self.officer_ids = officers
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        posted = [form.cleaned_data.get("officer") for form in self.forms]
        if sorted(posted) != sorted(self.officer_ids):
            raise forms.ValidationError("The list of officers changed while you were editing. Check it and save again.")

    def allocations(self) -> dict[int, int | None]:
        return {form.cleaned_data["officer"]: form.cleaned_data.get("mentor") for form in self.forms}


AllocationFormSet = forms.formset_factory(
    AllocationRowForm, formset=BaseAllocationFormSet, extra=0, max_num=1000, validate_max=True
)


class MentorProfileForm(GovukFormMixin, forms.ModelForm):
    expertise = forms.MultipleChoiceField(
        choices=Expertise.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Expertise"
    )

    class Meta:
        model = MentorProfile
        fields = [
            "expertise",
            "bio",
            "session_minutes",
            "buffer_minutes",
            "min_notice_hours",
            "max_sessions_per_day",
            "capacity",
        ]
        labels = {
            "session_minutes": "Session length",
            "buffer_minutes": "Break between sessions, in minutes",
            "min_notice_hours": "Minimum notice for bookings, in hours",
            "max_sessions_per_day": "Most sessions in one day",
            "capacity": "Most projects you can lead in one cohort",
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
            Field.text("capacity", field_width=4),
            submit="Save profile",
        )


class WindowForm(GovukForm):
    weekday = forms.TypedChoiceField(
        label="Day",
        coerce=int,
        choices=[(i, name) for i, name in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])],
        error_messages={"required": "Choose a day"},
    )
    starts_time = forms.TimeField(
        label="From (London time, like 10:00)",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter a start time", "invalid": "Enter a start time like 10:00"},
    )
    ends_time = forms.TimeField(
        label="To (London time, like 16:00)",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
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


def _date_field(label: str, help_text: str = "For example, 27 10 2026"):
    return gds_date_field(label, help_text)


def _time_field(label: str, example: str, *, what: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=f"London time, 24-hour clock, like {example}",
        error_messages={"required": f"Enter {what}", "invalid": f"Enter {what} like {example}"},
    )


class OneOffWindowForm(GovukForm):
    """A time offered on one date only (added to the weekly times)."""

    prefix = "one_off"

    on_date = _date_field("Date")
    starts_time = _time_field("From", "13:00", what="a start time")
    ends_time = _time_field("To", "15:30", what="an end time")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("on_date"),
            Field.text("starts_time", field_width=5),
            Field.text("ends_time", field_width=5),
            submit="Add one-off time",
        )
        self.helper.layout.fields[-1] = Button("one_off-submit", "Add one-off time")  # one id per page
        self.helper.form_action = reverse("mentoring:availability_one_off_add")

    def clean_on_date(self):
        day = self.cleaned_data["on_date"]
        if day < timezone.localdate():
            raise forms.ValidationError("The date must be today or in the future")
        return day

    def clean(self):
        data = super().clean()
        if data.get("starts_time") and data.get("ends_time") and data["ends_time"] <= data["starts_time"]:
            self.add_error("ends_time", "The end time must be after the start time")
        return data


class LeaveForm(GovukForm):
    """Whole London days away. Overlapping leave is allowed: it changes nothing twice."""

    prefix = "leave"

    starts_on = _date_field("First day away")
    ends_on = _date_field("Last day away")
    reason = forms.CharField(
        label="Reason (optional)", required=False, max_length=200, help_text="Only you and programme staff see this"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("starts_on"), Field("ends_on"), Field.text("reason"), submit="Add leave")
        self.helper.layout.fields[-1] = Button("leave-submit", "Add leave")  # one id per page
        self.helper.form_action = reverse("mentoring:leave_add")

    def clean_starts_on(self):
        day = self.cleaned_data["starts_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("The first day away must be today or in the future")
        return day

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The last day away must be the same as or after the first day")
        return data
