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
