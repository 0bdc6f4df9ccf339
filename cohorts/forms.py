from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from accounts.models import Organisation, User
from common.forms import EMAIL_INVALID, GovukForm, each_line, gds_helper
from common.forms import gds_date_field as _date_field

from .models import Cohort, CurriculumTemplate, TrainingSession
from .register_forms import RegisterForm  # noqa: F401 - its home was here
from .services import StreamSpec


def _parse_streams(text: str, weeks: int | None) -> list[StreamSpec]:
    def stream(number: int, line: str) -> StreamSpec:
        parts = [part.strip() for part in line.split(",")]
        if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
            raise forms.ValidationError(
                f"Line {number}: write each stream as name, first week, last week – like Foundations, 1, 8"
            )
        name, first, last = parts[0], int(parts[1]), int(parts[2])
        if not name or first < 1 or first > last or (weeks and last > weeks):
            raise forms.ValidationError(f"Line {number}: weeks must run from 1 to {weeks or 52}, first before last")
        return StreamSpec(name=name, first_week=first, last_week=last)

    streams = each_line(text, stream)
    if len({stream.name.casefold() for stream in streams}) != len(streams):
        raise forms.ValidationError("Give each stream a different name")
    return streams


def _parse_places(text: str) -> dict[Organisation, int]:
    lookup = {}
    for organisation in Organisation.objects.all():
        lookup[organisation.name.casefold()] = organisation
        if organisation.gss_code:
            lookup[organisation.gss_code.casefold()] = organisation

    def place(number: int, line: str) -> tuple[Organisation, int]:
        name, colon, count = line.rpartition(":")
        if not colon or not name.strip():
            raise forms.ValidationError(
                f"Line {number}: write each as organisation name or GSS code, a colon, then places – like Camden: 2"
            )
        organisation = lookup.get(name.strip().casefold())
        if organisation is None:
            raise forms.ValidationError(
                f"Line {number}: there is no organisation called {name.strip()} – use its name as on the "
                "organisations page, or its GSS code"
            )
        if not count.strip().isdigit():
            raise forms.ValidationError(f"Line {number}: places for {organisation.name} must be a whole number, like 2")
        return organisation, int(count)

    places = dict(each_line(text, place))
    return places


class CohortSettingsForm(GovukForm):
    """The settings staff can change after a cohort is created."""

    name = forms.CharField(max_length=200, error_messages={"required": "Enter a name for the cohort"})
    capacity = forms.IntegerField(
        min_value=1,
        max_value=500,
        initial=15,
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Enter the number of places as a whole number",
            "min_value": "The cohort needs at least 1 place",
        },
    )
    status = forms.ChoiceField(choices=Cohort.Status.choices, initial=Cohort.Status.DRAFT)
    default_location = forms.CharField(label="Location", max_length=300, required=False)
    project_time_hours = forms.IntegerField(
        label="Project time at the end of each day of training, in hours (optional)",
        help_text="Officers can book office hours with mentors in project time. Leave empty or enter 0 if the "
        "whole day is taught",
        required=False,
        min_value=0,
        max_value=6,
        initial=0,
        error_messages={
            "invalid": "Enter the hours of project time as a whole number",
            "min_value": "Enter the hours of project time, or 0",
            "max_value": "Project time can be at most 6 hours",
        },
    )
    streams = forms.CharField(
        label="Streams (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: name, first week, last week. For example: Foundations, 1, 8",
    )
    places = forms.CharField(
        label="Places per organisation (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: organisation name or GSS code, a colon, then places. For example: Camden: 2",
    )

    bank_holiday_rule = forms.ChoiceField(
        label="If a training day falls on a bank holiday",
        choices=Cohort.BankHolidayRule.choices,
        initial=Cohort.BankHolidayRule.SAME_WEEK,
        widget=forms.RadioSelect,
        help_text="If no working day is left that week, the session moves to the same day the following week",
        error_messages={"required": "Choose what happens when a training day falls on a bank holiday"},
    )
    trains_over_christmas = forms.BooleanField(
        label="Train between Christmas Day and New Year’s Day",
        required=False,
        help_text="Otherwise a training day in that week moves to the same day of the next week, "
        "and the weeks after it with it",
    )

    weeks_for_streams: int | None = None

    def layout_fields(self) -> list:
        return [
            Field.select("status"),
            Field.text("capacity", field_width=4),
            Field.text("default_location"),
            Field.radios("bank_holiday_rule", legend_size=Size.SMALL),
            Field.checkbox("trains_over_christmas"),
            Field.text("project_time_hours", field_width=2),
            Field.textarea("streams"),
            Field.textarea("places"),
        ]

    def clean_streams(self) -> list[StreamSpec]:
        weeks = self.data.get("weeks") if self.weeks_for_streams is None else self.weeks_for_streams
        return _parse_streams(self.cleaned_data["streams"], int(weeks) if str(weeks or "").isdigit() else None)

    def clean_places(self) -> dict[Organisation, int]:
        return _parse_places(self.cleaned_data["places"])


class CohortCreateForm(CohortSettingsForm):
    slug = forms.SlugField(
        label="Short name for web addresses",
        max_length=100,
        help_text="Lower case letters, numbers and hyphens, like spring-2027",
        error_messages={
            "required": "Enter a short name for web addresses",
            "invalid": "Use only lower case letters, numbers and hyphens in the short name",
        },
    )
    start_date = _date_field("Start date", "For example, 12 1 2027")
    training_weekday = forms.TypedChoiceField(
        label="Training day", coerce=int, choices=Cohort.Weekday.choices, initial=Cohort.Weekday.TUESDAY
    )
    weeks = forms.IntegerField(
        label="Number of weeks",
        min_value=1,
        max_value=52,
        initial=12,
        error_messages={
            "required": "Enter the number of weeks",
            "invalid": "Enter the number of weeks as a whole number",
            "min_value": "The cohort must run for at least 1 week",
            "max_value": "The cohort can run for at most 52 weeks",
        },
    )
    curriculum = forms.ModelChoiceField(
        queryset=CurriculumTemplate.objects.order_by("name"),
        required=False,
        empty_label="No curriculum: fill topics in later",
        help_text="Fills each week's topic and materials",
    )

    field_order = ["name", "slug", "start_date", "training_weekday", "weeks", "capacity", "curriculum"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curriculum"].initial = (
            CurriculumTemplate.objects.order_by("pk").values_list("pk", flat=True).first()
        )
        self.helper = gds_helper(
            Field.text("name"),
            Field.text("slug", field_width=20),
            Field("start_date"),
            Field.select("training_weekday"),
            Field.text("weeks", field_width=4),
            Field.select("curriculum"),
            *self.layout_fields(),
            submit="Create cohort",
        )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if Cohort.objects.filter(slug=slug).exists():
            raise forms.ValidationError("A cohort with this short name already exists")
        return slug

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start < timezone.localdate():
            raise forms.ValidationError("Enter a start date that is today or in the future")
        return start


class CohortEditForm(CohortSettingsForm):
    def __init__(self, *args, cohort: Cohort, **kwargs):
        self.weeks_for_streams = cohort.weeks
        initial = {
            "name": cohort.name,
            "capacity": cohort.capacity,
            "status": cohort.status,
            "default_location": cohort.default_location,
            "bank_holiday_rule": cohort.bank_holiday_rule,
            "trains_over_christmas": cohort.trains_over_christmas,
            "project_time_hours": cohort.project_time_hours,
            "streams": "\n".join(f"{s.name}, {s.first_week}, {s.last_week}" for s in cohort.streams.all()),
            "places": "\n".join(
                f"{p.organisation.name}: {p.places}" for p in cohort.organisation_places.select_related("organisation")
            ),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.helper = gds_helper(Field.text("name"), *self.layout_fields(), submit="Save changes")


class SessionForm(GovukForm):
    day = _date_field("Date")
    starts = forms.TimeField(
        label="Starts",
        help_text="24-hour clock, London time, like 10:00",
        error_messages={"required": "Enter a start time", "invalid": "Enter the start time like 10:00"},
    )
    ends = forms.TimeField(
        label="Ends",
        help_text="24-hour clock, London time, like 16:00",
        error_messages={"required": "Enter an end time", "invalid": "Enter the end time like 16:00"},
    )
    topic = forms.CharField(max_length=200, required=False)
    location = forms.CharField(max_length=300, required=False)
    online_link = forms.URLField(
        assume_scheme="https",
        label="Online link",
        required=False,
        error_messages={"invalid": "Enter the online link as a full web address"},
    )
    materials = forms.CharField(
        label="Materials", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="One link a line"
    )

    def __init__(self, *args, session: TrainingSession, **kwargs):
        starts = timezone.localtime(session.starts_at)
        ends = timezone.localtime(session.ends_at)
        initial = {
            "day": starts.date(),
            "starts": starts.time().strftime("%H:%M"),
            "ends": ends.time().strftime("%H:%M"),
            "topic": session.topic,
            "location": session.location,
            "online_link": session.online_link,
            "materials": session.materials,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.original_day = starts.date()
        self.helper = gds_helper(
            Field("day"),
            Field.text("starts", field_width=5),
            Field.text("ends", field_width=5),
            Field.text("topic"),
            Field.text("location"),
            Field.text("online_link"),
            Field.textarea("materials"),
            submit="Save session",
        )

    def clean_day(self):
        # A held session keeps its day when staff correct its details; no session moves into the past.
        day = self.cleaned_data["day"]
        if day != self.original_day and day < timezone.localdate():
            raise forms.ValidationError("Enter a date that is today or in the future")
        return day

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("starts") and cleaned.get("ends") and cleaned["ends"] <= cleaned["starts"]:
            self.add_error("ends", "The end time must be after the start time")
        return cleaned


class CurriculumForm(GovukForm):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter a name for the curriculum"})
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    topics = forms.CharField(
        label="Topics",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="One topic a line, in week order: the first line is week 1",
        error_messages={"required": "Enter at least one topic"},
    )

    def __init__(self, *args, template: CurriculumTemplate, **kwargs):
        self.template = template
        initial = {
            "name": template.name,
            "description": template.description,
            "topics": "\n".join(topic.topic for topic in template.topics.all()),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.helper = gds_helper(
            Field.text("name"), Field.textarea("description"), Field.textarea("topics"), submit="Save curriculum"
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if CurriculumTemplate.objects.exclude(pk=self.template.pk).filter(name=name).exists():
            raise forms.ValidationError("A curriculum with this name already exists")
        return name

    def clean_topics(self) -> list[str]:
        topics = [line.strip() for line in self.cleaned_data["topics"].splitlines() if line.strip()]
        if any(len(topic) > 200 for topic in topics):
            raise forms.ValidationError("Each topic must be 200 characters or fewer")
        return topics


class ApplicationForm(GovukForm):
    officer = forms.ModelChoiceField(
        label="Officer",
        queryset=User.objects.officers().order_by("full_name"),
        empty_label="Choose the officer",
        error_messages={"required": "Choose the officer you are applying for"},
    )
    job_title = forms.CharField(max_length=150, error_messages={"required": "Enter the job title"})
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the organisation"},
    )
    motivation = forms.CharField(
        label="Why do you want to join the bootcamp?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why you want to join the bootcamp"},
    )
    prior_experience = forms.CharField(
        label="What experience of data analysis or programming do you have?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposed_problem = forms.CharField(
        label="Which data-matching problem would you bring?",
        help_text="For example, linking council tax and housing benefit records",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe the data-matching problem you would bring"},
    )
    line_manager_name = forms.CharField(
        label="Line manager’s name", max_length=150, error_messages={"required": "Enter your line manager’s name"}
    )
    line_manager_email = forms.EmailField(
        label="Line manager’s email address",
        help_text="We will email them a link to confirm they can release you one day a week",
        error_messages={"required": "Enter your line manager’s email address", "invalid": EMAIL_INVALID},
    )

    def __init__(self, *args, on_behalf: bool, applicant: User, **kwargs):
        kwargs.setdefault("initial", {"job_title": applicant.job_title, "organisation": applicant.organisation_id})
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        fields = [
            Field.text("job_title"),
            Field.select("organisation"),
            Field.textarea("motivation"),
            Field.textarea("prior_experience"),
            Field.textarea("proposed_problem"),
            Field.text("line_manager_name"),
            Field.text("line_manager_email", field_width=30),
        ]
        if on_behalf:
            fields.insert(0, Field.select("officer"))
        else:
            del self.fields["officer"]
        self.helper = gds_helper(*fields, submit="Send application")

    def clean_line_manager_email(self) -> str:
        email = self.cleaned_data["line_manager_email"].lower()
        officer = self.cleaned_data.get("officer") or self.applicant
        if email == officer.email.lower():
            raise forms.ValidationError("Enter your line manager’s email address, not your own")
        return email


class ScoreForm(GovukForm):
    score = forms.TypedChoiceField(
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
        label="Your score",
        help_text="1 is weakest, 5 is strongest",
        error_messages={"required": "Choose a score from 1 to 5", "invalid_choice": "Choose a score from 1 to 5"},
    )
    comment = forms.CharField(
        max_length=300,
        required=False,
        label="Comment (optional)",
        error_messages={"max_length": "The comment must be 300 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("score", inline=True, legend_size=Size.SMALL), Field.text("comment"), submit="Save score"
        )


class RosterUploadForm(GovukForm):
    file = forms.FileField(
        label="Roster CSV file",
        help_text="Columns: email, full_name, organisation (GSS code or name), job_title, stream (optional)",
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file you chose is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("file"), submit="Preview import")

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError("The file must be smaller than 1 MB")
        content = upload.read()
        try:
            content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The file must be a CSV saved as UTF-8") from exc
        return content


class RosterConfirmForm(GovukForm):
    content = forms.CharField(widget=forms.HiddenInput, strip=False)


# --- graduation, the trainer pathway and cascade sessions ---

YES_NO = [("yes", "Yes"), ("no", "No")]
