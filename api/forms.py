from crispy_forms_gds.layout import Field, Size
from django import forms
from django.conf import settings

from common.forms import GovukForm, gds_helper

from .models import ApiToken


class TokenForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so you can tell your tokens apart. For example: weekly report notebook",
        error_messages={"required": "Enter a name for the token"},
    )
    scope = forms.ChoiceField(
        label="What the token can read",
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.OWN,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the token can read"},
    )
    days = forms.IntegerField(
        label="Days until it expires",
        min_value=1,
        max_value=settings.API_TOKEN_MAX_DAYS,
        initial=settings.API_TOKEN_DAYS,
        help_text=f"From 1 to {settings.API_TOKEN_MAX_DAYS}",
        error_messages={
            "required": "Enter how many days the token lasts",
            "invalid": "Days until it expires must be a whole number, like 90",
            "min_value": "Days until it expires must be 1 or more",
            "max_value": f"Days until it expires must be {settings.API_TOKEN_MAX_DAYS} or fewer",
        },
    )

    def __init__(self, *args, scopes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field.text("name"), Field.text("days", field_width=4)]
        if len(scopes) > 1:
            fields.insert(1, Field.radios("scope", legend_size=Size.SMALL))
        else:
            del self.fields["scope"]
        self.helper = gds_helper(*fields, submit="Create token")

    @property
    def chosen_scope(self) -> str:
        return self.cleaned_data.get("scope") or ApiToken.Scope.OWN
