"""Cohorts, their streams and places, the training schedule and curricula."""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation

from ..models import (
    Cohort,
    CurriculumTemplate,
    CurriculumTopic,
    Enrolment,
    OrganisationPlaces,
    Stream,
    TrainingSession,
)
from .enrolments import CohortError, bank_holidays, london_datetime, next_working_day


@transaction.atomic
def schedule_generate(*, cohort: Cohort, curriculum: CurriculumTemplate | None = None) -> list[TrainingSession]:
    """Creates one training session per week on the cohort's training day. A session that falls on a
    bank holiday moves to the next working day and says why."""
    first = cohort.start_date + timedelta(days=(cohort.training_weekday - cohort.start_date.weekday()) % 7)
    days = [first + timedelta(weeks=week) for week in range(cohort.weeks)]
    closed = bank_holidays(range(first.year, days[-1].year + 2))
    topics = {}
    if curriculum is not None:
        topics = {topic.week_number: topic for topic in curriculum.topics.all()}
    sessions = []
    for week_number, usual_day in enumerate(days, start=1):
        day = next_working_day(usual_day, closed)
        topic = topics.get(week_number)
        sessions.append(
            TrainingSession(
                cohort=cohort,
                week_number=week_number,
                starts_at=london_datetime(day, cohort.day_starts),
                ends_at=london_datetime(day, cohort.day_ends),
                topic=topic.topic if topic else "",
                materials=topic.materials if topic else "",
                location=cohort.default_location,
                moved_from=usual_day if day != usual_day else None,
                moved_reason=closed.get(usual_day, "") if day != usual_day else "",
            )
        )
    return TrainingSession.objects.bulk_create(sessions)


@dataclass
class StreamSpec:
    name: str
    first_week: int
    last_week: int


def _streams_set(*, cohort: Cohort, streams: list[StreamSpec]) -> None:
    keep = []
    for spec in streams:
        stream, _ = Stream.objects.update_or_create(
            cohort=cohort, name=spec.name, defaults={"first_week": spec.first_week, "last_week": spec.last_week}
        )
        keep.append(stream.pk)
    cohort.streams.exclude(pk__in=keep).delete()


def _places_set(*, cohort: Cohort, places: dict[Organisation, int]) -> None:
    for organisation, number in places.items():
        OrganisationPlaces.objects.update_or_create(
            cohort=cohort, organisation=organisation, defaults={"places": number}
        )
    cohort.organisation_places.exclude(organisation__in=list(places)).delete()


@transaction.atomic
def cohort_create(
    *,
    name: str,
    slug: str,
    start_date: date,
    training_weekday: int,
    weeks: int = 12,
    capacity: int = 15,
    status: str = Cohort.Status.DRAFT,
    default_location: str = "",
    project_time_hours: int = 0,
    curriculum: CurriculumTemplate | None = None,
    streams: list[StreamSpec] | None = None,
    places: dict[Organisation, int] | None = None,
) -> Cohort:
    """Creates a cohort and generates its weekly schedule from the curriculum."""
    if start_date < timezone.localdate():
        raise CohortError("Enter a start date that is today or in the future")
    cohort = Cohort(
        name=name,
        slug=slug,
        start_date=start_date,
        training_weekday=training_weekday,
        weeks=weeks,
        capacity=capacity,
        status=status,
        default_location=default_location,
        project_time_hours=project_time_hours,
        curriculum=curriculum,
    )
    cohort.full_clean()
    cohort.save()
    _streams_set(cohort=cohort, streams=streams or [])
    _places_set(cohort=cohort, places=places or {})
    schedule_generate(cohort=cohort, curriculum=curriculum)
    return cohort


def selected_count(cohort: Cohort, *, organisation: Organisation | None = None) -> int:
    qs = cohort.enrolments.filter(status=Enrolment.Status.SELECTED)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.count()


@transaction.atomic
def cohort_update(
    *,
    cohort: Cohort,
    name: str,
    capacity: int,
    status: str,
    default_location: str = "",
    project_time_hours: int | None = None,
    streams: list[StreamSpec] | None = None,
    places: dict[Organisation, int] | None = None,
) -> Cohort:
    """Changes a cohort's settings. Dates stay as they are: staff move single sessions instead, so
    calendars that officers already subscribed to keep their events."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    taken = selected_count(cohort)
    if capacity < taken:
        raise CohortError(f"Capacity cannot be less than the {taken} officers already selected")
    for organisation, number in (places or {}).items():
        taken_here = selected_count(cohort, organisation=organisation)
        if number < taken_here:
            raise CohortError(
                f"Places for {organisation} cannot be less than the {taken_here} officers already selected"
            )
    cohort.name = name
    cohort.capacity = capacity
    cohort.status = status
    cohort.default_location = default_location
    if project_time_hours is not None:
        cohort.project_time_hours = project_time_hours
    cohort.full_clean()
    cohort.save()
    if streams is not None:
        _streams_set(cohort=cohort, streams=streams)
    if places is not None:
        _places_set(cohort=cohort, places=places)
    return cohort


@transaction.atomic
def session_update(
    *,
    session: TrainingSession,
    day: date,
    starts: time,
    ends: time,
    topic: str,
    location: str = "",
    online_link: str = "",
    materials: str = "",
) -> TrainingSession:
    """Edits a session; the calendar SEQUENCE goes up so calendar apps replace the old event."""
    session.starts_at = london_datetime(day, starts)
    session.ends_at = london_datetime(day, ends)
    session.topic = topic
    session.location = location
    session.online_link = online_link
    session.materials = materials
    session.sequence += 1
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_cancel(*, session: TrainingSession) -> TrainingSession:
    session.is_cancelled = True
    session.sequence += 1
    session.save(update_fields=["is_cancelled", "sequence"])
    return session


@transaction.atomic
def curriculum_update(*, template: CurriculumTemplate, name: str, description: str, topics: list[str]) -> None:
    """Topics are given in week order. A week keeps its materials when its topic is renamed."""
    template.name = name
    template.description = description
    template.full_clean()
    template.save()
    for week_number, topic in enumerate(topics, start=1):
        CurriculumTopic.objects.update_or_create(template=template, week_number=week_number, defaults={"topic": topic})
    template.topics.filter(week_number__gt=len(topics)).delete()
