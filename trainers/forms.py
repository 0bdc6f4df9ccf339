from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from cohorts.forms import YES_NO
from common.forms import GovukForm, each_line, gds_helper
from common.forms import gds_date_field as _date_field

from .impact import MEASURES
from .models import CascadeSession, TrainerStep


class GraduationForm(GovukForm):
    showcase_presented = forms.ChoiceField(
        label="Did they present their project at the showcase?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if they presented their project at the showcase"},
    )
    note = forms.CharField(
        label="Reason (needed if a criterion is not met)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The reason must be 300 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("showcase_presented", inline=True, legend_size=Size.SMALL),
            Field.textarea("note"),
            submit="Mark as graduated",
        )


class TrainerStepForm(GovukForm):
    kind = forms.ChoiceField(
        label="Step",
        choices=TrainerStep.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the step on the trainer pathway"},
    )
    happened_on = _date_field("Date")
    note = forms.CharField(
        label="What they did",
        max_length=300,
        help_text="For example: co-facilitated week 3 of the autumn cohort, or delivered week 5 with observation",
        error_messages={"required": "Enter what they did", "max_length": "Keep it to 300 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field("happened_on"),
            Field.text("note"),
            submit="Record step",
        )

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        return day


class CascadeSessionForm(GovukForm):
    delivered_on = _date_field("Date", help_text="For example, 27 3 2026")
    topic = forms.CharField(max_length=200, error_messages={"required": "Enter the topic of the session"})
    format = forms.ChoiceField(
        choices=CascadeSession.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the format of the session"},
    )
    length_minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=1,
        max_value=600,
        error_messages={
            "required": "Enter the length of the session in minutes",
            "invalid": "Enter the length as a whole number of minutes, like 60",
            "min_value": "The length must be at least 1 minute",
            "max_value": "The length must be 600 minutes or fewer",
        },
    )
    colleagues_reached = forms.IntegerField(
        label="Number of colleagues reached",
        min_value=1,
        max_value=5000,
        error_messages={
            "required": "Enter the number of colleagues reached",
            "invalid": "Enter the number of colleagues as a whole number, like 8",
            "min_value": "The number of colleagues reached must be at least 1",
            "max_value": "The number of colleagues reached must be 5,000 or fewer",
        },
    )
    attendee_emails = forms.CharField(
        label="Attendee email addresses (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="One a line. Only you and the programme team can see them.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("delivered_on"),
            Field.text("topic"),
            Field.radios("format", legend_size=Size.SMALL),
            Field.text("length_minutes", field_width=4),
            Field.text("colleagues_reached", field_width=4),
            Field.textarea("attendee_emails"),
            submit="Save session",
        )

    def clean_delivered_on(self):
        day = self.cleaned_data["delivered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        return day

    def clean_attendee_emails(self) -> list[str]:
        def email(number: int, line: str) -> str:
            try:
                return forms.EmailField().clean(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"Attendee {number} ({line}): enter an email address in the correct format, like name@example.com"
                ) from None

        return each_line(self.cleaned_data["attendee_emails"], email, separators=",")

    def clean(self) -> dict:
        cleaned = super().clean()
        emails, reached = cleaned.get("attendee_emails") or [], cleaned.get("colleagues_reached")
        if reached and len({email.lower() for email in emails}) > reached:
            self.add_error(
                "attendee_emails",
                f"You listed {len(emails)} attendees but reached {reached} colleagues: the number of colleagues "
                "must be at least the number of attendees",
            )
        return cleaned

    @staticmethod
    def initial_for(session: CascadeSession) -> dict:
        return {
            "delivered_on": session.delivered_on,
            "topic": session.topic,
            "format": session.format,
            "length_minutes": session.length_minutes,
            "colleagues_reached": session.colleagues_reached,
            "attendee_emails": "\n".join(session.attendee_emails),
        }


class ImpactMeasureForm(GovukForm):
    measure = forms.ChoiceField(label="Shade the map by", choices=list(MEASURES.items()), required=False)
