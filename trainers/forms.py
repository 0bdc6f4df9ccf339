from urllib.parse import urlencode

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from cohorts.forms import YES_NO
from common.formatting import format_date
from common.forms import GovukForm, each_line, gds_helper
from common.forms import gds_date_field as _date_field

from .impact import ALL_TIME, DEFAULT_MEASURE, MEASURES, Period
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


class ImpactForm(GovukForm):
    """The impact pages' GET form: an optional period (either end may be left blank) and the map's
    measure. Invalid dates are shown in the error summary and the figures fall back to all time."""

    starts_on = _date_field("Start date", help_text="For example, 1 4 2026")
    ends_on = _date_field("End date", help_text="For example, 31 3 2027")
    # Not a ChoiceField: an unknown measure (an old link) falls back to the default, it is not an error.
    measure = forms.CharField(label="Shade the map by", required=False)
    measure_choices = list(MEASURES.items())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on"):
            self.fields[name].required = False
        self.helper = gds_helper(Field("starts_on"), Field("ends_on"), submit="Show figures")
        self.helper.form_tag = False  # the template's GET form also carries the map's measure
        self.helper.form_method = "get"  # and so no CSRF token in the address

    def _clean_day(self, name: str):
        day = self.cleaned_data.get(name)
        label = self.fields[name].label.lower()
        if day and day.year < 1000:
            raise forms.ValidationError(f"The {label} must include a year with 4 numbers, like 2026")
        if day and day > timezone.localdate() and name == "starts_on":
            raise forms.ValidationError(f"The {label} must be today or in the past")
        return day

    def clean_measure(self) -> str:
        measure = self.cleaned_data["measure"]
        return measure if measure in MEASURES else DEFAULT_MEASURE

    def clean_starts_on(self):
        return self._clean_day("starts_on")

    def clean_ends_on(self):
        return self._clean_day("ends_on")

    def clean(self) -> dict:
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error(
                "ends_on", f"The end date must be the same as or after the start date, {format_date(starts_on)}"
            )
        return cleaned

    @property
    def period(self) -> Period:
        """The period asked for; the programme's whole history until the form is valid."""
        if not self.is_bound or not self.is_valid():
            return ALL_TIME
        return Period(self.cleaned_data["starts_on"], self.cleaned_data["ends_on"])

    @property
    def chosen_measure(self) -> str:
        if not self.is_bound:
            return DEFAULT_MEASURE
        self.is_valid()
        return self.cleaned_data.get("measure") or DEFAULT_MEASURE

    def query_pairs(self) -> list[tuple[str, str]]:
        """What was asked for (period and measure), as it came in, to carry to the next page."""
        if not self.is_bound:
            return []
        names = [f"{name}_{part}" for name in ("starts_on", "ends_on") for part in range(3)] + ["measure"]
        return [(name, self.data[name]) for name in names if self.data.get(name)]

    def query_string(self) -> str:
        """The period and measure as a query string, for links to the other impact pages and the CSV."""
        return urlencode(self.query_pairs())


# --- skills self-assessment ---

SKILL_SCALE = [(str(n), str(n)) for n in range(1, 6)]


class SelfAssessmentForm(GovukForm):
    """One 1-5 radio group per statement of the cohort."""

    def __init__(self, *args, statements, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = statements
        layout = []
        for number, statement in enumerate(statements, start=1):
            name = f"statement_{statement.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=statement.text,
                choices=SKILL_SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                help_text="1 is not at all, 5 is confidently",
                error_messages={"required": f"Rate statement {number} from 1 to 5"},
            )
            layout.append(Field.radios(name, inline=True, legend_size=Size.SMALL))
        self.helper = gds_helper(*layout, submit="Send answers")

    def scores(self) -> dict[int, int]:
        return {statement.pk: self.cleaned_data[f"statement_{statement.pk}"] for statement in self.statements}


class SkillStatementsForm(GovukForm):
    statements = forms.CharField(
        label="Statements",
        help_text="One a line, each something an officer can say about themselves, like “I can write a fuzzy "
        "matching rule in Python”. Officers rate each from 1 to 5.",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=5000,
        error_messages={"required": "Enter at least one statement"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("statements"), submit="Save statements")

    def clean_statements(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["statements"].splitlines() if line.strip()]
        too_long = next((n for n, line in enumerate(lines, start=1) if len(line) > 300), None)
        if too_long:
            raise forms.ValidationError(f"Statement {too_long} must be 300 characters or fewer")
        if not lines:
            raise forms.ValidationError("Enter at least one statement")
        return lines


# --- confirming suggested allocations ---


class _LineForm(forms.Form):
    """One line of a proposal: a hidden id and a choice staff may change. Choices come from the
    formset, so a page of lines costs no query per line."""

    choice = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)

    def __init__(self, *args, choices, empty_label, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [("", empty_label), *choices]
        name = labels.get(self.initial.get("key"), "")
        self.fields["choice"].label = f"{self.label_prefix_text} {name}"
        self.fields["choice"].error_messages["invalid_choice"] = f"Choose from the list for {name}"


class ProjectMentorLineForm(_LineForm):
    label_prefix_text = "Lead mentor for"
    key = forms.IntegerField(widget=forms.HiddenInput)


class TeamLineForm(_LineForm):
    label_prefix_text = "Project team for"
    key = forms.IntegerField(widget=forms.HiddenInput)


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, keys: list[int], **kwargs):
        self.keys = keys
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        if sorted(form.cleaned_data.get("key") for form in self.forms) != sorted(self.keys):
            raise forms.ValidationError("The cohort changed while you were looking. Suggest allocations again.")

    def choices(self) -> dict[int, int | None]:
        return {form.cleaned_data["key"]: form.cleaned_data.get("choice") for form in self.forms}


ProjectMentorFormSet = forms.formset_factory(
    ProjectMentorLineForm, formset=BaseLineFormSet, extra=0, max_num=1000, validate_max=True
)
TeamFormSet = forms.formset_factory(TeamLineForm, formset=BaseLineFormSet, extra=0, max_num=1000, validate_max=True)
