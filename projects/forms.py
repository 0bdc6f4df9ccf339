from datetime import date
from decimal import Decimal

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.utils import timezone

from accounts.models import User
from cohorts.models import Cohort, Enrolment
from common.forms import GovukForm, gds_date_field, gds_helper

from .models import Dataset, IGCheck, ProgressLog, Project
from .quality import impossible_counts

YES_NO = [("yes", "Yes"), ("no", "No")]


def _required(label: str) -> dict:
    return {"required": label}


class ProjectForm(GovukForm):
    title = forms.CharField(max_length=200, error_messages=_required("Enter a project title"))
    problem_statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), error_messages=_required("Enter the problem the project tackles")
    )
    officers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Officers on the project",
        error_messages=_required("Choose at least one officer"),
    )
    lead_mentor = forms.ModelChoiceField(
        queryset=User.objects.filter(is_mentor=True, is_active=True).order_by("full_name"),
        required=False,
        empty_label="No lead mentor yet",
    )
    matching_approach = forms.ChoiceField(
        choices=Project.MatchingApproach.choices, required=False, widget=forms.RadioSelect
    )
    tools = forms.CharField(max_length=300, required=False, help_text="For example Python, pandas, Splink")

    def __init__(self, *args, cohort: Cohort, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field.text("title"), Field.textarea("problem_statement")]
        if staff:
            self.fields["officers"].queryset = User.objects.filter(
                enrolments__cohort=cohort,
                enrolments__status__in=[Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED],
            ).order_by("full_name")
            fields += [Field.checkboxes("officers", legend_size=Size.SMALL), Field.select("lead_mentor")]
        else:
            del self.fields["officers"]
            del self.fields["lead_mentor"]
        fields += [Field.radios("matching_approach", legend_size=Size.SMALL), Field.text("tools")]
        self.helper = gds_helper(*fields, submit="Save project")


class DatasetForm(GovukForm):
    name = forms.CharField(max_length=200, label="Dataset name", error_messages=_required("Enter the dataset name"))
    owning_service = forms.CharField(
        max_length=200, label="Service that owns it", error_messages=_required("Enter the service that owns it")
    )
    holds_personal_data = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label="Does it hold personal data?",
        error_messages=_required("Select yes if the dataset holds personal data"),
    )
    approximate_records = forms.IntegerField(
        min_value=0,
        label="Approximate number of records",
        error_messages={
            "required": "Enter the approximate number of records",
            "invalid": "Enter the number of records as a whole number, like 12000",
            "min_value": "The number of records cannot be negative",
        },
    )
    key_fields = forms.MultipleChoiceField(
        choices=Dataset.KeyField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Key fields available for matching",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("name"),
            Field.text("owning_service"),
            Field.radios("holds_personal_data", legend_size=Size.SMALL, inline=True),
            Field.text("approximate_records", field_width=10),
            Field.checkboxes("key_fields", legend_size=Size.SMALL),
            submit="Save dataset",
        )

    @staticmethod
    def initial_for(dataset: Dataset) -> dict:
        return {
            "name": dataset.name,
            "owning_service": dataset.owning_service,
            "holds_personal_data": "yes" if dataset.holds_personal_data else "no",
            "approximate_records": dataset.approximate_records,
            "key_fields": dataset.key_fields,
        }


class IGCheckForm(GovukForm):
    """The evidence for one check. The service holds the rules (what a claim needs, four eyes)."""

    status = forms.ChoiceField(
        choices=IGCheck.Status.choices, widget=forms.RadioSelect, error_messages=_required("Select a status")
    )
    approver_name = forms.CharField(max_length=200, required=False, label="Approver’s name")
    approver_role = forms.CharField(
        max_length=200,
        required=False,
        label="Approver’s role in their organisation",
        help_text="For example, the council’s Data Protection Officer",
    )
    approver_email = forms.EmailField(
        required=False,
        label="Approver’s email address",
        help_text="We will email them a link to confirm it. They do not need an account.",
    )
    decided_on = gds_date_field("Approval date", "For example, 27 3 2026", required=False)
    reference = forms.CharField(max_length=200, required=False, help_text="For example, DPIA-2026-014")
    document_url = forms.URLField(
        max_length=500,
        required=False,
        label="Link to the document",
        assume_scheme="https",
        error_messages={"invalid": "Enter a link in the correct format, like https://example.org/dpia"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="If it is not needed, why not?",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("status", legend_size=Size.SMALL),
            Fieldset(
                Field.text("approver_name"),
                Field.text("approver_role"),
                Field.text("approver_email"),
                legend="Who approved it or decided it is not needed",
                legend_size=Size.SMALL,
            ),
            Fieldset(Field("decided_on"), legend="Approval date", legend_size=Size.SMALL),
            Field.text("reference", field_width=20),
            Field.text("document_url"),
            Field.textarea("reason"),
            Field.textarea("note"),
            submit="Save",
        )
        self.fields["approver_email"].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})

    @staticmethod
    def initial_for(check: IGCheck) -> dict:
        return {name: getattr(check, name) for name in IGCheckForm.base_fields}


class IGDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        choices=[("confirm", "Confirm it"), ("reject", "Reject it")],
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages=_required("Select whether you confirm or reject it"),
    )
    review_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Note",
        help_text="If you reject it, say what is wrong or missing",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("decision", legend_size=Size.MEDIUM), Field.textarea("review_note"), submit="Save decision"
        )


class IGReopenForm(GovukForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why does this check need to be done again?",
        error_messages=_required("Enter why the check is being reopened"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason"), submit="Reopen the check")


class MilestoneDoneForm(GovukForm):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence_url = forms.URLField(
        required=False,
        label="Evidence link",
        assume_scheme="https",
        error_messages={"invalid": "Enter a link in the correct format, like https://example.org/report"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("note"), Field.text("evidence_url"), submit="Mark as done")


class MilestoneReviewForm(GovukForm):
    decision = forms.ChoiceField(
        choices=[("sign_off", "Sign it off"), ("send_back", "Send it back")],
        widget=forms.RadioSelect,
        error_messages=_required("Select whether to sign it off or send it back"),
    )
    review_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note to the officer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("decision", legend_size=Size.SMALL), Field.textarea("review_note"), submit="Save decision"
        )


class ProgressLogForm(GovukForm):
    week_number = forms.TypedChoiceField(coerce=int, label="Week", error_messages=_required("Choose the week"))
    what_i_did = forms.CharField(
        label="What I did", widget=forms.Textarea(attrs={"rows": 4}), error_messages=_required("Enter what you did")
    )
    whats_next = forms.CharField(
        label="What’s next",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("Enter what you will do next"),
    )
    blockers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Leave blank if nothing is in your way"
    )
    rag_status = forms.ChoiceField(
        label="How is the project going?",
        choices=[
            ("green", "Green – on track"),
            ("amber", "Amber – some problems"),
            ("red", "Red – stuck or at risk"),
        ],
        widget=forms.RadioSelect,
        error_messages=_required("Select how the project is going"),
    )
    hours = forms.DecimalField(
        label="Hours spent this week",
        # GOV.UK asks for a text input with a numeric keyboard, not type="number": it gets the
        # govuk-input class (and its focus style) and the server's error summary, not a browser tooltip.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        min_value=Decimal(0),
        max_value=Decimal(80),
        decimal_places=1,
        error_messages={
            "required": "Enter the hours you spent",
            "invalid": "Enter hours as a number, like 6 or 7.5",
            "min_value": "Hours cannot be negative",
            "max_value": "Hours must be 80 or fewer",
            "max_decimal_places": "Enter hours to one decimal place at most",
        },
    )

    def __init__(self, *args, weeks: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = []
        if weeks is None:
            del self.fields["week_number"]
        else:
            self.fields["week_number"].choices = [(week, f"Week {week}") for week in reversed(weeks)]
            fields.append(Field.select("week_number"))
        fields += [
            Field.textarea("what_i_did"),
            Field.textarea("whats_next"),
            Field.textarea("blockers"),
            Field.radios("rag_status", legend_size=Size.SMALL),
            Field.text("hours", field_width=4),
        ]
        self.helper = gds_helper(*fields, submit="Save log")

    @staticmethod
    def initial_for(log: ProgressLog) -> dict:
        return {
            "what_i_did": log.what_i_did,
            "whats_next": log.whats_next,
            "blockers": log.blockers,
            "rag_status": log.rag_status,
            "hours": log.hours,
        }


class CommentForm(GovukForm):
    body = forms.CharField(
        label="Add a comment", widget=forms.Textarea(attrs={"rows": 4}), error_messages=_required("Enter a comment")
    )

    def __init__(self, *args, reply: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if reply:  # the log's officer answering their mentor
            self.fields["body"].label = "Reply"
            self.fields["body"].error_messages["required"] = "Enter your reply"
        self.helper = gds_helper(Field.textarea("body"), submit="Send reply" if reply else "Add comment")


def _count(label: str, *, required: bool = True, help_text: str = "") -> forms.IntegerField:
    name = label[0].lower() + label[1:]
    return forms.IntegerField(
        min_value=0,
        label=label,
        required=required,
        help_text=help_text,
        # A text input with a numeric keyboard, as GOV.UK asks, not type="number".
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {name}",
            "invalid": f"Enter the {name} as a whole number, like 120",
            "min_value": f"The {name} cannot be negative",
        },
    )


class LinkageRunForm(GovukForm):
    """What the officer measured. Precision, recall and F1 are worked out from these counts."""

    run_on = gds_date_field("Date of the run")
    records_left = _count("Records in first dataset")
    records_right = _count("Records in second dataset")
    candidate_pairs = _count("Candidate pairs", help_text="Pairs the blocking rules let through to be compared")
    matches_accepted = _count("Matches accepted")
    sample_size = _count(
        "Pairs reviewed",
        help_text="Accepted matches drawn at random and checked by hand. Enter 0 if you have not reviewed any yet.",
    )
    sample_true_matches = _count("True matches among the pairs reviewed", help_text="Enter 0 if none were reviewed")
    truth_set_size = _count(
        "Matches in the truth set",
        required=False,
        help_text="A truth set or known-match list: pairs known to be the same person. Leave empty if you have none.",
    )
    truth_set_found = _count("Truth-set matches the run found", required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What changed in this run")

    COUNTS = (
        "records_left",
        "records_right",
        "candidate_pairs",
        "matches_accepted",
        "sample_size",
        "sample_true_matches",
        "truth_set_size",
        "truth_set_found",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run_on"].error_messages["required"] = "Enter the date of the run"
        self.fields["sample_size"].error_messages["required"] = "Enter the number of pairs reviewed, or 0"
        self.fields["sample_true_matches"].error_messages["required"] = (
            "Enter how many of the pairs reviewed were true matches, or 0"
        )
        self.helper = gds_helper(
            Fieldset(Field("run_on"), legend="Date of run", legend_size=Size.SMALL),
            Fieldset(
                Field.text("records_left", field_width=10),
                Field.text("records_right", field_width=10),
                Field.text("candidate_pairs", field_width=10),
                Field.text("matches_accepted", field_width=10),
                legend="What the run matched",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("sample_size", field_width=10),
                Field.text("sample_true_matches", field_width=10),
                legend="Clerical review sample (for precision)",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("truth_set_size", field_width=10),
                Field.text("truth_set_found", field_width=10),
                legend="Truth set or known-match list (for recall), if you have one",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("note"),
            submit="Save run",
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        # Only counts that were entered and valid are judged; a missing one already has its own error.
        counts = {name: cleaned.get(name) if name not in self.errors else None for name in self.COUNTS}
        for name, message in impossible_counts(**counts).items():
            if name not in self.errors:
                self.add_error(name, message)
        run_on = cleaned.get("run_on")
        if isinstance(run_on, date) and run_on > timezone.localdate():
            self.add_error("run_on", "The date of the run must be today or in the past")
        return cleaned


class LinkageRunReviewForm(GovukForm):
    decision = forms.ChoiceField(
        choices=[("confirm", "Confirm the counts"), ("reject", "Reject the counts")],
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages=_required("Select whether you confirm or reject the counts"),
    )
    review_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Note to the officer",
        help_text="If you reject the counts, say what is wrong",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("decision", legend_size=Size.MEDIUM), Field.textarea("review_note"), submit="Save decision"
        )


class CaseStudyForm(GovukForm):
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), error_messages=_required("Enter a summary"))
    what_was_linked = forms.CharField(
        label="What was linked",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("Enter what was linked"),
    )
    results = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), error_messages=_required("Enter the results"))
    lessons = forms.CharField(
        label="Lessons learned", widget=forms.Textarea(attrs={"rows": 3}), error_messages=_required("Enter the lessons")
    )
    publish = forms.BooleanField(required=False, label="Publish it so every signed-in user can read it")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("summary"),
            Field.textarea("what_was_linked"),
            Field.textarea("results"),
            Field.textarea("lessons"),
            Field.checkbox("publish"),
            submit="Save case study",
        )


class MilestoneTemplateForm(GovukForm):
    title = forms.CharField(max_length=200, error_messages=_required("Enter the milestone"))
    due_week = forms.IntegerField(
        min_value=1,
        max_value=52,
        label="Due week",
        error_messages={
            "required": "Enter the week it is due",
            "invalid": "Enter the week as a whole number",
            "min_value": "Enter a week of 1 or more",
            "max_value": "Enter a week of 52 or less",
        },
    )
    needs_ig_approval = forms.BooleanField(
        required=False, label="Cannot be completed until every information-governance check is confirmed"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("title"),
            Field.text("due_week", field_width=3),
            Field.checkbox("needs_ig_approval"),
            submit="Save",
        )
