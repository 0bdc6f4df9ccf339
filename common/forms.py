"""The one way forms are built here: GOV.UK Design System components and error messages, validated by
the server only.

- `gds_helper` lays a form out with crispy-forms-gds and marks it `novalidate`, so the browser never
  stops a submission with its own tooltip: the GOV.UK error summary is the only validation a user
  meets.
- `GovukFormMixin` (and `GovukForm`) words the errors Django words its own way in GOV.UK style
  (https://design-system.service.gov.uk/components/error-message/), takes the `maxlength` attribute
  off text inputs (the browser would cut a paste short without saying so; the server says the text is
  too long instead), gives every multi-line answer a maximum length, and shows a GOV.UK character
  count on long ones. A form's own messages always win.
- `GovukDateField` is the date input: "Date of the run must be a real date", "... must include a
  month", never Python's "day is out of range for month".
"""

import calendar
import re
from datetime import date
from functools import cache

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
URL_INVALID = "Enter a web address in the correct format, like https://www.example.com"
# A multi-line answer with no limit of its own: long enough for a considered answer, short enough
# that nobody pastes a whole document into a page every colleague has to scroll past.
TEXTAREA_MAX_LENGTH = 3000
# The GOV.UK character count appears on answers whose limit someone could reach.
CHARACTER_COUNT_FROM = 300


def gds_helper(*fields, submit: str = "Continue") -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.attrs = {"novalidate": True}
    helper.layout = Layout(*fields, Button("submit", submit))
    return helper


def _sentence(label) -> str:
    text = str(label or "").strip().rstrip("?:")
    return text[:1].upper() + text[1:]


def _lower(label) -> str:
    text = _sentence(label)
    # "Enter the job title", but keep "GSS code" and "DPIA" as written.
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


@cache
def _django_defaults(field_class: type[forms.Field]) -> dict[str, str]:
    """Django's own wording for a field class, worked out once per class."""
    defaults: dict[str, str] = {}
    for cls in reversed(field_class.__mro__):
        defaults.update({key: str(value) for key, value in getattr(cls, "default_error_messages", {}).items()})
    return defaults


def _limits(field: forms.Field) -> tuple[object, object]:
    return getattr(field, "min_value", None), getattr(field, "max_value", None)


def govuk_messages(field: forms.Field, name: str) -> None:
    """Replaces Django's wording with GOV.UK's where the form kept Django's, and sets limits."""
    label = field.label or name.replace("_", " ")
    defaults = _django_defaults(type(field))
    messages: dict[str, str] = {}
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField):
        messages["required"] = f"Select {_lower(label)}"
        if not isinstance(field, forms.BooleanField):
            messages["invalid_choice"] = f"Select {_lower(label)} from the list"  # noqa: S608 (words, not SQL)
    else:
        messages["required"] = f"Enter {_lower(label)}"
    if isinstance(field, forms.EmailField):
        messages["invalid"] = EMAIL_INVALID
    elif isinstance(field, forms.URLField):
        messages["invalid"] = URL_INVALID
    elif isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        low, high = _limits(field)
        whole = isinstance(field, forms.IntegerField)
        messages["invalid"] = f"{_sentence(label)} must be a {'whole ' if whole else ''}number"
        if low is not None and high is not None:
            messages["min_value"] = messages["max_value"] = f"{_sentence(label)} must be between {low} and {high}"
        elif low is not None:
            messages["min_value"] = f"{_sentence(label)} must be {low} or more"
        elif high is not None:
            messages["max_value"] = f"{_sentence(label)} must be {high} or less"
        if isinstance(field, forms.DecimalField):
            messages["max_digits"] = messages["max_decimal_places"] = messages["max_whole_digits"] = (
                f"{_sentence(label)} must be a number with at most {field.decimal_places} decimal places"
                if field.decimal_places is not None
                else messages["invalid"]
            )
    if isinstance(field, forms.CharField):
        if isinstance(field.widget, forms.Textarea) and field.max_length is None:
            field.max_length = TEXTAREA_MAX_LENGTH
            field.validators.append(MaxLengthValidator(TEXTAREA_MAX_LENGTH))
        if field.max_length is not None:
            messages["max_length"] = f"{_sentence(label)} must be {field.max_length:,} characters or fewer"
        field.widget.attrs.pop("maxlength", None)
    for key, message in messages.items():
        current = field.error_messages.get(key)
        if current is None or str(current) == defaults.get(key):
            field.error_messages[key] = message


def _layout_fields(layout):
    for item in getattr(layout, "fields", []):
        if isinstance(item, Field):
            yield item
        elif hasattr(item, "fields"):
            yield from _layout_fields(item)


class GovukFormMixin:
    """Mix into every form (before Django's form class): GOV.UK messages and limits on each field,
    and a character count on long multi-line answers once the form's helper is set."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            govuk_messages(field, name)

    @property
    def helper(self) -> FormHelper:
        try:
            return self.__dict__["_helper"]
        except KeyError:
            raise AttributeError("helper") from None

    @helper.setter
    def helper(self, value: FormHelper) -> None:
        self.__dict__["_helper"] = value
        for item in _layout_fields(getattr(value, "layout", None)):
            field = self.fields.get(item.fields[0]) if len(item.fields) == 1 else None
            if (
                isinstance(field, forms.CharField)
                and isinstance(field.widget, forms.Textarea)
                and (field.max_length or 0) >= CHARACTER_COUNT_FROM
            ):
                item.context.setdefault("max_characters", field.max_length)


class GovukForm(GovukFormMixin, forms.Form):
    pass


MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
PARTS = ("day", "month", "year")


class GovukDateField(DateInputField):
    """A GOV.UK date input (day, month, year). Months may be typed as numbers or names ("March",
    "mar"). Every problem gets one message that names the field, and the part that is wrong is
    highlighted: "Date of the run must include a month", "Date of the run must be a real date"."""

    def clean(self, value):
        for subfield in self.fields:
            subfield.widget.errors = []
        values = list(value or []) + [None] * 3
        day, month, year = (str(part).strip() if part is not None else "" for part in values[:3])
        if not (day or month or year):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [part for part, text in zip(PARTS, (day, month, year), strict=True) if not text]
        if missing:
            message = f"{_sentence(self.label)} must include a {' and '.join(missing)}"
            self._mark(missing, message)
            raise ValidationError(message, code="incomplete")
        month_number = MONTHS.get(month.lower()) or (int(month) if month.isdigit() else None)
        wrong = [
            part
            for part, ok in (
                ("day", day.isdigit()),
                ("month", month_number is not None),
                ("year", bool(re.fullmatch(r"\d{4}", year))),
            )
            if not ok
        ]
        if not wrong:
            try:
                result = date(int(year), month_number, int(day))
            except ValueError:
                wrong = ["day"] if 1 <= month_number <= 12 else ["month"]
            else:
                self.validate(result)
                self.run_validators(result)
                return result
        if wrong == ["year"] and year.isdigit() and len(year) < 4:
            message = f"{_sentence(self.label)} must include a year with 4 numbers, like {timezone.localdate().year}"
        else:
            message = f"{_sentence(self.label)} must be a real date"
        self._mark(wrong, message)
        raise ValidationError(message, code="invalid")

    def _mark(self, parts: list[str], message: str) -> None:
        """Highlights the wrong parts; the error summary lists the message once (summary_errors)."""
        for part in parts:
            self.fields[PARTS.index(part)].widget.errors = [message]


def gds_date_field(label: str, help_text: str = "For example, 27 3 2027", *, required: bool = True) -> GovukDateField:
    field = GovukDateField(label=label, help_text=help_text, require_all_fields=False, required=required)
    field.error_messages["required"] = f"Enter the {_lower(label)}"
    return field


def each_line(text: str, parse, *, separators: str = "") -> list:
    """Parses a multi-line answer one line at a time and reports every bad line, not just the first:
    `parse(number, line)` returns the line's value or raises ValidationError with the message for that
    line ("Line 3: ..."). Blank lines are skipped; `separators` (like ",") also split lines."""
    for separator in separators:
        text = text.replace(separator, "\n")
    values, errors = [], []
    for number, line in enumerate((line.strip() for line in text.splitlines() if line.strip()), start=1):
        try:
            values.append(parse(number, line))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return values
