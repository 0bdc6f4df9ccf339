"""The form staff write an announcement in."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.models import Organisation
from common.forms import GovukForm, gds_helper

from .models import Announcement, Cohort, Stream
from .services import AnnouncementDraft

IMPORTANCE = [
    ("optional", "Optional: people who switched off announcements are not emailed"),
    ("essential", "Essential: everyone in the audience is emailed"),
]


class StreamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Stream) -> str:
        return f"{obj.cohort.name}: {obj.name}"


class AnnouncementForm(GovukForm):
    title = forms.CharField(label="Title", max_length=120)
    body = forms.CharField(
        label="Announcement",
        help_text="Plain text. Leave a blank line between paragraphs; web addresses become links.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=3000,
    )
    audience = forms.ChoiceField(
        label="Who is it for?",
        choices=Announcement.Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the announcement is for"},
    )
    cohort = forms.ModelChoiceField(
        label="Cohort (if it is for a cohort)", queryset=Cohort.objects.order_by("-start_date"), required=False
    )
    stream = StreamChoiceField(
        label="Stream (if it is for a stream)",
        queryset=Stream.objects.select_related("cohort").order_by("-cohort__start_date", "first_week", "name"),
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label="Organisation (if it is for an organisation’s officers)",
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    importance = forms.ChoiceField(
        label="How important is it?",
        choices=IMPORTANCE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the announcement is optional or essential"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("title"),
            Field.textarea("body"),
            Field.radios("audience", legend_size=Size.MEDIUM),
            Field.select("cohort"),
            Field.select("stream"),
            Field.select("organisation"),
            Field.radios("importance", legend_size=Size.MEDIUM),
            submit="Preview the announcement",
        )

    def clean(self):
        cleaned = super().clean()
        needs = {
            Announcement.Audience.COHORT: ("cohort", "Choose the cohort the announcement is for"),
            Announcement.Audience.STREAM: ("stream", "Choose the stream the announcement is for"),
            Announcement.Audience.ORGANISATION: ("organisation", "Choose the organisation whose officers it is for"),
        }
        audience = cleaned.get("audience")
        if audience in needs:
            field, message = needs[audience]
            if not cleaned.get(field):
                self.add_error(field, message)
        return cleaned

    def draft(self) -> AnnouncementDraft:
        data = self.cleaned_data
        audience = data["audience"]
        return AnnouncementDraft(
            title=data["title"],
            body=data["body"],
            audience=audience,
            cohort=data["cohort"] if audience == Announcement.Audience.COHORT else None,
            stream=data["stream"] if audience == Announcement.Audience.STREAM else None,
            organisation=data["organisation"] if audience == Announcement.Audience.ORGANISATION else None,
            is_essential=data["importance"] == "essential",
        )
