from crispy_forms_gds.layout import Field, Size
from django import forms

from cohorts.models import Cohort
from common.forms import GovukForm, gds_helper

from .models import Exercise

MAX_UPLOAD_BYTES = 8_000_000  # 100,000 pairs with scores come to about 3 MB


class ExerciseForm(GovukForm):
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.order_by("-start_date"), error_messages={"required": "Choose a cohort"}
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    slug = forms.SlugField(
        max_length=100,
        label="Short name for addresses",
        help_text="Lower-case letters, numbers and hyphens, for example pilot-practice-3",
        error_messages={"required": "Enter a short name"},
    )
    difficulty = forms.ChoiceField(
        choices=Exercise.Difficulty.choices,
        widget=forms.RadioSelect,
        help_text=(
            "Hard: half the residents are in both files and nearly every shared record is changed, up to three times"
        ),
        error_messages={"required": "Choose how hard the exercise is"},
    )
    people = forms.IntegerField(
        label="Residents in the left file",
        min_value=10,
        max_value=20_000,
        initial=1000,
        error_messages={"required": "Enter how many residents the left file holds"},
    )
    seed = forms.IntegerField(
        label="Generator seed",
        min_value=0,
        max_value=2_000_000_000,
        help_text="Any whole number: the same seed gives the same files",
        error_messages={"required": "Enter a seed"},
    )
    instructions = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("cohort"),
            Field.text("title"),
            Field.text("slug", field_width=20),
            Field.radios("difficulty", legend_size=Size.SMALL),
            Field.text("people", field_width=5),
            Field.text("seed", field_width=10),
            Field.textarea("instructions"),
            submit="Create exercise",
        )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if Exercise.objects.filter(slug=slug).exists():
            raise forms.ValidationError("An exercise already has this short name")
        return slug


class SubmissionForm(GovukForm):
    file = forms.FileField(
        label="Your matched pairs (CSV)",
        help_text="Columns: left_id, right_id and, if your method scores pairs, score. Up to 100,000 pairs.",
        error_messages={"required": "Choose a CSV file of matched pairs", "empty": "The file you chose is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("file"), submit="Upload and score")

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 8 MB")
        return upload.read()
