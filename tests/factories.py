from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import User
from cohorts.models import Cohort, Enrolment, Organisation, Stream, TrainingSession

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
