"""Cohorts, their streams and places, the training schedule and curricula."""

from dataclasses import dataclass, field
from datetime import date, time

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User

from ..models import (
    Cohort,
    CurriculumTemplate,
    CurriculumTopic,
    Enrolment,
    OrganisationPlaces,
    Stream,
    TrainingSession,
)
from .applications import offers_beyond_places_withdraw
from .enrolments import LONDON, CohortError, london_datetime
from .planning import PlannedDay, cohort_plan


@transaction.atomic
def schedule_generate(*, cohort: Cohort, curriculum: CurriculumTemplate | None = None) -> list[TrainingSession]:
    """Creates one training session per week, placed by the cohort's bank-holiday and Christmas rules
    (cohorts.services.planning); a session that moved says from when and why."""
    topics = {}
    if curriculum is not None:
        topics = {topic.week_number: topic for topic in curriculum.topics.all()}
    sessions = []
    for planned in cohort_plan(cohort):
        topic = topics.get(planned.week_number)
        sessions.append(
            TrainingSession(
                cohort=cohort,
                week_number=planned.week_number,
                starts_at=london_datetime(planned.day, cohort.day_starts),
                ends_at=london_datetime(planned.day, cohort.day_ends),
                topic=topic.topic if topic else "",
                materials=topic.materials if topic else "",
                location=cohort.default_location,
                moved_from=planned.moved_from,
                moved_reason=planned.moved_reason,
            )
        )
    return TrainingSession.objects.bulk_create(sessions)


def _schedule_replan(*, cohort: Cohort, before: list[PlannedDay]) -> int:
    """After a change of bank-holiday or Christmas rule, moves each session that has not started to
    its day under the new rule, keeping its times, topic and place. A session staff moved by hand
    (not on the day the old rule gave it) stays where they put it. Returns how many moved."""
    today = timezone.localdate()
    old_days = {planned.week_number: planned.day for planned in before}
    moved = 0
    for planned in cohort_plan(cohort):
        session = cohort.sessions.filter(week_number=planned.week_number).first()
        if session is None:
            continue
        starts = timezone.localtime(session.starts_at, LONDON)
        ends = timezone.localtime(session.ends_at, LONDON)
        if starts.date() != old_days.get(planned.week_number) or starts.date() == planned.day:
            continue
        if starts.date() <= today or planned.day <= today:
            continue  # a session that has started, or would move into the past, keeps its day
        session.starts_at = london_datetime(planned.day, starts.time())
        session.ends_at = london_datetime(planned.day, ends.time())
        session.moved_from = planned.moved_from
        session.moved_reason = planned.moved_reason
        session.sequence += 1
        session.save(update_fields=["starts_at", "ends_at", "moved_from", "moved_reason", "sequence"])
        moved += 1
    return moved


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
    bank_holiday_rule: str = Cohort.BankHolidayRule.SAME_WEEK,
    trains_over_christmas: bool = False,
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
        bank_holiday_rule=bank_holiday_rule,
        trains_over_christmas=trains_over_christmas,
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


@dataclass
class CohortUpdate:
    cohort: Cohort
    sessions_moved: int = 0
    offers_withdrawn: list[Enrolment] = field(default_factory=list)


@transaction.atomic
def cohort_update(
    *,
    cohort: Cohort,
    name: str,
    capacity: int,
    status: str,
    actor: User | None = None,
    default_location: str = "",
    project_time_hours: int | None = None,
    streams: list[StreamSpec] | None = None,
    places: dict[Organisation, int] | None = None,
    bank_holiday_rule: str | None = None,
    trains_over_christmas: bool | None = None,
) -> CohortUpdate:
    """Changes a cohort's settings under a lock on the cohort row, so no place is given meanwhile.

    Capacity, or an organisation's places, cannot go below the officers already selected; open
    waitlist offers beyond the new numbers are withdrawn and their officers emailed. Dates stay as
    they are (staff move single sessions instead) unless the bank-holiday or Christmas rule changes:
    then sessions that have not started move to their day under the new rule."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    taken = selected_count(cohort)
    if capacity < taken:
        raise CohortError(
            f"Capacity cannot be less than the {taken} officers already selected: withdraw someone first",
            field="capacity",
        )
    for organisation, number in (places or {}).items():
        taken_here = selected_count(cohort, organisation=organisation)
        if number < taken_here:
            raise CohortError(
                f"Places for {organisation} cannot be less than the {taken_here} officers already selected",
                field="places",
            )
    before = cohort_plan(cohort)
    cohort.name = name
    cohort.capacity = capacity
    cohort.status = status
    cohort.default_location = default_location
    if bank_holiday_rule is not None:
        cohort.bank_holiday_rule = bank_holiday_rule
    if trains_over_christmas is not None:
        cohort.trains_over_christmas = trains_over_christmas
    if project_time_hours is not None:
        cohort.project_time_hours = project_time_hours
    cohort.full_clean()
    cohort.save()
    if streams is not None:
        _streams_set(cohort=cohort, streams=streams)
    if places is not None:
        _places_set(cohort=cohort, places=places)
    return CohortUpdate(
        cohort=cohort,
        sessions_moved=_schedule_replan(cohort=cohort, before=before),
        offers_withdrawn=offers_beyond_places_withdraw(cohort=cohort, actor=actor),
    )


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
