"""Forms for staff decisions on applications: one at a time, or many at once."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from common.forms import GovukForm, gds_helper

from .models import Enrolment
from .services import Decision

REASON_REQUIRED = "Choose why the application was not selected"


class NotSelectedForm(GovukForm):
    """Why an application was not selected: one of the fixed reasons, and an optional note that the
    letter quotes as written."""

    reason = forms.ChoiceField(
        label="Why was the application not selected?",
        help_text="The outcome letter gives this reason to the applicant and their line manager",
        choices=Enrolment.OutcomeReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": REASON_REQUIRED},
    )
    note = forms.CharField(
        label="A note for the applicant (optional)",
        help_text="For example, which later cohort to apply to",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args, submit: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.radios("reason", legend_size=Size.MEDIUM), Field.textarea("note"), submit=submit)


class BulkDecisionForm(GovukForm):
    """The same decision for many applications. The template lays out the applications as a table
    with a checkbox in each row; the helper lays out the rest inside the template's form tag."""

    applications = forms.MultipleChoiceField(
        label="Applications",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one application", "invalid_choice": "Choose from the list"},
    )
    decision = forms.ChoiceField(
        label="Decision for every application you chose",
        choices=Decision.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    reason = forms.ChoiceField(
        label="If not selected, why?",
        choices=Enrolment.OutcomeReason.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label="A note for the applicants (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = list(enrolments)
        self.fields["applications"].choices = [(str(e.pk), e.officer.full_name) for e in self.enrolments]
        self.helper = gds_helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.radios("reason", small=True),
            Field.textarea("note"),
            submit="Continue",
        )
        self.helper.form_tag = False

    @property
    def chosen_ids(self) -> set[str]:
        return set(self.data.getlist("applications")) if self.is_bound else set()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.NOT_SELECTED and not cleaned.get("reason"):
            self.add_error("reason", REASON_REQUIRED)
        if cleaned.get("decision") != Decision.NOT_SELECTED:
            cleaned["reason"] = ""
        return cleaned

    def chosen(self) -> list[Enrolment]:
        ids = set(self.cleaned_data["applications"])
        return [enrolment for enrolment in self.enrolments if str(enrolment.pk) in ids]
