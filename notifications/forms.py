from crispy_forms_gds.layout import Field
from django import forms

from common.forms import GovukForm, gds_helper

from . import registry


class PreferencesForm(GovukForm):
    receive = forms.MultipleChoiceField(
        label="Emails you want to get",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Emails about your bookings, changes to your sessions and approvals are always sent.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receive"].choices = [(kind.name, kind.label) for kind in registry.optional_kinds()]
        self.helper = gds_helper(Field.checkboxes("receive"), submit="Save preferences")
