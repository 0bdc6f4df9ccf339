"""The register: one radio group per officer, a mark for everyone not marked, and two ways to
fill it in before saving (everyone present, or the same as last week). Saved in one POST."""

from crispy_forms_gds.layout import HTML, Field, Size
from django import forms

from common.forms import GovukForm, gds_helper

from .models import Attendance

# The submit buttons that fill the form in again without saving anything.
FILL_PRESENT = "fill_present"
FILL_LAST_WEEK = "fill_last_week"


class RegisterForm(GovukForm):
    default = forms.ChoiceField(
        label="Everyone you do not mark below is",
        help_text="Leave this empty to mark each officer yourself",
        choices=Attendance.Mark.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        layout = [
            HTML(
                '<div class="govuk-button-group">'
                f'<button type="submit" name="{FILL_PRESENT}" class="govuk-button govuk-button--secondary" '
                'data-module="govuk-button">Mark everyone present</button>'
                f'<button type="submit" name="{FILL_LAST_WEEK}" class="govuk-button govuk-button--secondary" '
                'data-module="govuk-button">Same as last week</button></div>'
            )
            if rows
            else HTML(""),
            Field.radios("default", inline=True, small=True, legend_size=Size.SMALL),
        ]
        for enrolment, mark in rows:
            name = f"mark_{enrolment.pk}"
            self.fields[name] = forms.ChoiceField(
                label=enrolment.officer.full_name,
                choices=Attendance.Mark.choices,
                widget=forms.RadioSelect,
                initial=mark or None,
                required=False,
            )
            layout.append(Field.radios(name, inline=True, small=True, legend_size=Size.SMALL))
        self.helper = gds_helper(*layout, submit="Save register")

    def clean(self):
        cleaned = super().clean()
        default = cleaned.get("default")
        for enrolment, _ in self.rows:
            name = f"mark_{enrolment.pk}"
            if not cleaned.get(name) and not default and name not in self.errors:
                self.add_error(
                    name, f"Choose a mark for {enrolment.officer.full_name}, or a mark for everyone you do not mark"
                )
        return cleaned

    def marks(self) -> dict[int, str]:
        default = self.cleaned_data.get("default")
        return {enrolment.pk: self.cleaned_data.get(f"mark_{enrolment.pk}") or default for enrolment, _ in self.rows}
