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


@register.filter
def summary_errors(bound_field) -> list[tuple[str, str]]:
    """(anchor id, message) for each distinct message of a field, once. A date input marks every
    wrong part (day, month, year) with the one message, which links to the first wrong part."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, subfield in enumerate(getattr(bound_field.field, "fields", [])):
        for message in getattr(subfield.widget, "errors", []):
            if message not in seen:
                seen.add(message)
                found.append((f"{bound_field.auto_id}_{index}", message))
    for message in bound_field.errors:
        if message not in seen:
            seen.add(message)
            found.append((error_anchor(bound_field), message))
    return found
