from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Organisation, User
from cohorts.models import Cohort, Enrolment, Stream, TrainingSession

PASSWORD = "correct-horse-battery"


def borough(name: str) -> Organisation:
    """One of the 34 London authorities loaded by the data migration."""
    return Organisation.objects.get(name=name)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    slug = factory.Sequence(lambda n: f"partner-organisation-{n}")
    kind = Organisation.Kind.PARTNER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_programme_staff = True


class MentorFactory(UserFactory):
    is_mentor = True


class OfficerFactory(UserFactory):
    is_officer = True


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=28))
    training_weekday = Cohort.Weekday.TUESDAY
    status = Cohort.Status.RECRUITING


class StreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stream

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Stream {n}")
    first_week = 1
    last_week = 8


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    cohort = factory.SubFactory(CohortFactory)
    week_number = factory.Sequence(lambda n: n + 1)
    starts_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(
            timezone.datetime.combine(
                o.cohort.start_date + timedelta(weeks=o.week_number - 1), timezone.datetime.min.time()
            )
        )
        + timedelta(hours=10)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=6))
    topic = factory.Sequence(lambda n: f"Topic {n}")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    officer = factory.SubFactory(OfficerFactory)
    organisation = factory.LazyAttribute(lambda o: o.officer.organisation)
    status = Enrolment.Status.SELECTED
    job_title = "Data analyst"
    line_manager_name = "Morgan Manager"
    line_manager_email = factory.Sequence(lambda n: f"manager{n}@example.org")


# --- projects ---
class RunningCohortFactory(CohortFactory):
    """A cohort in its fourth week (week 1 began on the Monday three weeks ago)."""

    start_date = factory.LazyFunction(
        lambda: timezone.localdate() - timedelta(days=timezone.localdate().weekday()) - timedelta(weeks=3)
    )
    training_weekday = Cohort.Weekday.MONDAY
    status = Cohort.Status.RUNNING


class ProjectFactory(factory.django.DjangoModelFactory):
    """Built through projects.services.project_create, so IG checks and milestones exist. Pass
    `officers=[...]` (selected on the cohort) or get one new selected officer."""

    class Meta:
        model = "projects.Project"

    cohort = factory.SubFactory(RunningCohortFactory)
    title = factory.Sequence(lambda n: f"Matching project {n}")
    problem_statement = "Find households at risk of homelessness"
    lead_mentor = factory.SubFactory(MentorFactory)
    matching_approach = "probabilistic"
    tools = "Python, Splink"

    @classmethod
    def _create(cls, model_class, *args, officers=None, **kwargs):
        from projects.services import project_create

        if officers is None:
            officers = [EnrolmentFactory(cohort=kwargs["cohort"]).officer]
        return project_create(officers=officers, **kwargs)


class ProgressLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.ProgressLog"

    project = factory.SubFactory(ProjectFactory)
    officer = factory.LazyAttribute(lambda o: o.project.officers.first())
    week_number = 1
    what_i_did = "Profiled the housing register"
    whats_next = "Standardise addresses"
    blockers = ""
    rag_status = "green"
    hours = 6


class LinkageRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.LinkageRun"

    project = factory.SubFactory(ProjectFactory)
    recorded_by = factory.LazyAttribute(lambda o: o.project.officers.first())
    run_on = factory.LazyFunction(timezone.localdate)
    records_left = 12000
    records_right = 98000
    candidate_pairs = 40000
    matches_accepted = 9000
    sample_size = 200
    sample_true_matches = factory.Sequence(lambda n: 140 + n % 60)
    truth_set_size = None
    truth_set_found = None
    quality = "waiting"


# --- notifications ---


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.Message"

    recipient = factory.SubFactory(OfficerFactory)
    to_email = factory.LazyAttribute(lambda o: o.recipient.email if o.recipient else "someone@example.org")
    kind = "welcome"
    dedup_key = factory.Sequence(lambda n: f"test:{n}")
    subject = factory.Sequence(lambda n: f"Message {n}")
    body_text = "Hello"
    body_html = "<p>Hello</p>"


# --- cohorts ---


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.Attendance"

    session = factory.SubFactory(TrainingSessionFactory)
    enrolment = factory.SubFactory(EnrolmentFactory, cohort=factory.SelfAttribute("..session.cohort"))
    mark = "present"


class ApplicationScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.ApplicationScore"

    enrolment = factory.SubFactory(EnrolmentFactory, status=Enrolment.Status.MANAGER_APPROVED)
    scorer = factory.SubFactory(StaffFactory)
    score = 3


# --- mentoring ---
class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentoring.MentorProfile"

    mentor = factory.SubFactory(MentorFactory)
    expertise = factory.LazyFunction(lambda: ["python", "splink"])
    bio = "Data scientist at the ONS Data Science Campus."
    session_minutes = 45
    buffer_minutes = 15
    min_notice_hours = 12
    max_sessions_per_day = 5


class AvailabilityWindowFactory(factory.django.DjangoModelFactory):
    """Weekly, Tuesdays 10:00 to 16:00 London time, unless told otherwise."""

    class Meta:
        model = "mentoring.AvailabilityWindow"

    mentor = factory.LazyAttribute(lambda o: MentorProfileFactory().mentor)
    kind = "weekly"
    weekday = 1
    on_date = None
    starts_time = factory.LazyFunction(lambda: timezone.datetime.strptime("10:00", "%H:%M").time())
    ends_time = factory.LazyFunction(lambda: timezone.datetime.strptime("16:00", "%H:%M").time())


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentoring.Booking"

    mentor = factory.LazyAttribute(lambda o: MentorProfileFactory().mentor)
    officer = factory.SubFactory(OfficerFactory)
    created_by = factory.LazyAttribute(lambda o: o.officer)
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=45))
    status = "confirmed"
    agenda = "Help with blocking rules in Splink"


class MentorAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentoring.MentorAllocation"

    officer = factory.SubFactory(OfficerFactory)
    mentor = factory.LazyAttribute(lambda o: MentorProfileFactory().mentor)


# --- impact ---


class GraduationFactory(factory.django.DjangoModelFactory):
    """A graduate: a completed enrolment with its certificate."""

    class Meta:
        model = "trainers.Graduation"

    enrolment = factory.SubFactory(EnrolmentFactory, status=Enrolment.Status.COMPLETED)
    graduated_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))
    showcase_presented = True
    verification_token = factory.Sequence(lambda n: f"token-{n}-abcdefghijklmnop")


class TrainerStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "trainers.TrainerStep"

    graduate = factory.LazyAttribute(lambda o: GraduationFactory().enrolment.officer)
    kind = "co_facilitator"
    happened_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=20))
    note = "Co-facilitated week 3"


class CascadeSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "trainers.CascadeSession"

    graduate = factory.LazyAttribute(lambda o: GraduationFactory().enrolment.officer)
    organisation = factory.LazyAttribute(lambda o: o.graduate.organisation)
    delivered_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    topic = factory.Sequence(lambda n: f"Cleaning addresses {n}")
    format = "workshop"
    length_minutes = 60
    colleagues_reached = 6
    attendee_emails = factory.LazyFunction(lambda: ["colleague@example.gov.uk"])
