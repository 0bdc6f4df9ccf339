"""The officer's feedback form on a training session they attended."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from common.forms import GovukForm, gds_helper

SCALE = [(str(n), str(n)) for n in range(1, 6)]

QUESTIONS = {
    "pace": (
        "How was the pace of the session?",
        "1 is far too slow or far too fast, 5 is just right",
        "Select a rating from 1 to 5 for the pace",
    ),
    "clarity": (
        "How clear were the explanations?",
        "1 is not at all clear, 5 is very clear",
        "Select a rating from 1 to 5 for how clear it was",
    ),
    "usefulness": (
        "How useful was the session for your work?",
        "1 is not at all useful, 5 is very useful",
        "Select a rating from 1 to 5 for how useful it was",
    ),
}


def _rating(name: str) -> forms.TypedChoiceField:
    label, hint, required = QUESTIONS[name]
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


class SessionFeedbackForm(GovukForm):
    pace = _rating("pace")
    clarity = _rating("clarity")
    usefulness = _rating("usefulness")
    went_well = forms.CharField(
        label="What worked well in this session? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    to_change = forms.CharField(
        label="What would you change about this session? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            *(Field.radios(name, inline=True, legend_size=Size.SMALL) for name in QUESTIONS),
            Field.textarea("went_well"),
            Field.textarea("to_change"),
            submit="Send feedback",
        )
