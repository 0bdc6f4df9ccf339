"""The GOV.UK error summary must link each error to the input it is about. crispy-forms-gds links to
the field's auto_id, but renders radios and multiple checkboxes with ids ending _1, _2, ..., so those
links led nowhere. `error_anchor` gives the id of the element the error should focus."""

from django import forms, template

register = template.Library()

NUMBERED_CHOICES = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def error_anchor(bound_field, field_id: str | None = None) -> str:
    """The id to link to: the first radio or checkbox of a choice field, otherwise the field itself."""
    field_id = field_id or bound_field.auto_id
    if isinstance(bound_field.field.widget, NUMBERED_CHOICES) and field_id == bound_field.auto_id:
        return f"id_{bound_field.html_name}_1"
    return field_id
