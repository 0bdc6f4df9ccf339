import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Role, has_role
from common.csvfile import csv_dict_reader
from notifications.services import absolute_url, message_queue

from .models import (
    ApplicationScore,
    Attendance,
    CascadeSession,
    Cohort,
    CurriculumTemplate,
    CurriculumTopic,
    Enrolment,
    EnrolmentEvent,
    Graduation,
    Organisation,
    OrganisationPlaces,
    Stream,
    TrainerStep,
    TrainingSession,
)
from .selectors import graduation_check

LONDON = ZoneInfo("Europe/London")


def bank_holidays(years: range | list[int]) -> holidays.HolidayBase:
    """England and Wales bank holidays (the `holidays` package's ENG subdivision of GB)."""
    return holidays.country_holidays("GB", subdiv="ENG", years=list(years))


def next_working_day(day: date, closed: holidays.HolidayBase) -> date:
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


def london_datetime(day: date, at) -> datetime:
    """A wall-clock time in London on `day`, as an aware datetime (stored in UTC by Django)."""
    return datetime.combine(day, at, tzinfo=LONDON)


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


GRADUATED = "{officer} has graduated: their place cannot be changed"


@transaction.atomic
def enrolment_set_status(*, enrolment: Enrolment, status: str, actor: User | None, note: str = "") -> Enrolment:
    """Every change of an enrolment's status is recorded with who made it and when. A graduate's place
    is final: their certificate says they completed the cohort."""
    previous = enrolment.status
    if previous == Enrolment.Status.COMPLETED and status != previous:
        raise CohortError(GRADUATED.format(officer=enrolment.officer))
    enrolment.status = status
    enrolment.save(update_fields=["status"])
    EnrolmentEvent.objects.create(enrolment=enrolment, from_status=previous, to_status=status, actor=actor, note=note)
    return enrolment


class CohortError(Exception):
    """A change to a cohort or an enrolment that the rules refuse; the message is shown to the user."""


# --- cohorts and their schedule ---


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


# --- applications ---

MANAGER_LINK_SALT = "cohorts.manager-decision"
MANAGER_LINK_MAX_AGE = timedelta(days=14)
OFFER_DAYS = 7


class ManagerLinkInvalid(Exception):
    """The link was changed, or it is too old."""


def manager_link_token(enrolment: Enrolment) -> str:
    return signing.TimestampSigner(salt=MANAGER_LINK_SALT).sign(str(enrolment.pk))


def manager_link_enrolment(token: str) -> Enrolment:
    try:
        pk = signing.TimestampSigner(salt=MANAGER_LINK_SALT).unsign(token, max_age=MANAGER_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ManagerLinkInvalid("expired") from exc
    except signing.BadSignature as exc:
        raise ManagerLinkInvalid("tampered") from exc
    enrolment = Enrolment.objects.select_related("officer", "cohort", "organisation").filter(pk=pk).first()
    if enrolment is None:
        raise ManagerLinkInvalid("gone")
    return enrolment


@transaction.atomic
def application_create(
    *,
    cohort: Cohort,
    officer: User,
    organisation: Organisation,
    job_title: str,
    motivation: str,
    prior_experience: str,
    proposed_problem: str,
    line_manager_name: str,
    line_manager_email: str,
    applied_by: User,
) -> Enrolment:
    """An officer (or staff on their behalf) applies; their line manager is emailed a signed link."""
    if cohort.status != Cohort.Status.RECRUITING:
        raise CohortError(f"{cohort.name} is not taking applications")
    if Enrolment.objects.filter(cohort=cohort, officer=officer).exists():
        raise CohortError(f"{officer.full_name} has already applied to {cohort.name}")
    enrolment = Enrolment.objects.create(
        cohort=cohort,
        officer=officer,
        organisation=organisation,
        job_title=job_title,
        motivation=motivation,
        prior_experience=prior_experience,
        proposed_problem=proposed_problem,
        line_manager_name=line_manager_name,
        line_manager_email=line_manager_email.lower(),
        applied_by=applied_by,
    )
    EnrolmentEvent.objects.create(
        enrolment=enrolment, from_status="", to_status=Enrolment.Status.APPLIED, actor=applied_by, note="Applied"
    )
    link = absolute_url(reverse("cohorts:manager_decision", kwargs={"token": manager_link_token(enrolment)}))
    message_queue(
        to_email=enrolment.line_manager_email,
        kind="manager_approval",
        dedup_key=f"manager_approval:{enrolment.pk}",
        template="cohorts_manager_approval",
        context={"enrolment": enrolment, "link": link, "days": MANAGER_LINK_MAX_AGE.days},
    )
    return enrolment


@transaction.atomic
def manager_decide(*, enrolment: Enrolment, approve: bool) -> Enrolment:
    """The line manager's answer. It is given once; a second answer is refused."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.manager_decision != Enrolment.ManagerDecision.PENDING:
        raise CohortError("A decision has already been recorded for this application")
    enrolment.manager_decision = Enrolment.ManagerDecision.APPROVED if approve else Enrolment.ManagerDecision.DECLINED
    enrolment.manager_decided_at = timezone.now()
    enrolment.save(update_fields=["manager_decision", "manager_decided_at"])
    note = f"Line manager {enrolment.line_manager_email} {'approved' if approve else 'declined'}"
    if approve and enrolment.status == Enrolment.Status.APPLIED:
        enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.MANAGER_APPROVED, actor=None, note=note)
    else:
        EnrolmentEvent.objects.create(
            enrolment=enrolment, from_status=enrolment.status, to_status=enrolment.status, note=note
        )
    return enrolment


@transaction.atomic
def application_score(*, enrolment: Enrolment, scorer: User, score: int, comment: str = "") -> ApplicationScore:
    if not 1 <= score <= 5:
        raise CohortError("Enter a score from 1 to 5")
    row, _ = ApplicationScore.objects.update_or_create(
        enrolment=enrolment, scorer=scorer, defaults={"score": score, "comment": comment}
    )
    return row


def _places_check(*, cohort: Cohort, enrolment: Enrolment) -> None:
    """Refuses a place beyond the cohort's capacity or the organisation's places. Open offers to
    waitlisted officers hold their place until they expire."""
    now = timezone.now()
    holding = cohort.enrolments.exclude(pk=enrolment.pk).filter(
        Q(status=Enrolment.Status.SELECTED) | Q(status=Enrolment.Status.WAITLISTED, offer_expires_at__gt=now)
    )
    if holding.count() >= cohort.capacity:
        raise CohortError(f"{cohort.name} is full: all {cohort.capacity} places are taken")
    cap = OrganisationPlaces.objects.filter(cohort=cohort, organisation_id=enrolment.organisation_id).first()
    if cap is not None and holding.filter(organisation_id=enrolment.organisation_id).count() >= cap.places:
        raise CohortError(f"{enrolment.organisation} has used all of its {cap.places} places on {cohort.name}")


def _refuse_finished(enrolment: Enrolment) -> None:
    """A completed or withdrawn application is settled: selecting or waitlisting it again would rewrite
    a graduate's record or bring back someone who left."""
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise CohortError(GRADUATED.format(officer=enrolment.officer.full_name))
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise CohortError(f"{enrolment.officer.full_name}’s application has been withdrawn")


@transaction.atomic
def enrolment_select(*, enrolment: Enrolment, actor: User) -> Enrolment:
    cohort = Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",)).select_related("organisation", "officer").get(pk=enrolment.pk)
    )
    if enrolment.status == Enrolment.Status.SELECTED:
        raise CohortError(f"{enrolment.officer} is already selected")
    _refuse_finished(enrolment)
    if enrolment.manager_decision != Enrolment.ManagerDecision.APPROVED:
        raise CohortError("Their line manager has not approved this application yet")
    _places_check(cohort=cohort, enrolment=enrolment)
    enrolment.waitlist_position = None
    enrolment.offer_expires_at = None
    enrolment.save(update_fields=["waitlist_position", "offer_expires_at"])
    return enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.SELECTED, actor=actor)


@transaction.atomic
def enrolment_waitlist(*, enrolment: Enrolment, actor: User) -> Enrolment:
    """Puts the application at the end of the cohort's waitlist."""
    Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related("officer").get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.WAITLISTED:
        raise CohortError(f"{enrolment.officer} is already on the waitlist")
    if enrolment.status == Enrolment.Status.SELECTED:
        # Waitlisting them would free their place without offering it to anyone: withdraw instead.
        raise CohortError(f"{enrolment.officer.full_name} already has a place: withdraw them to free it")
    _refuse_finished(enrolment)
    last = Enrolment.objects.filter(cohort_id=enrolment.cohort_id).aggregate(last=Max("waitlist_position"))["last"]
    enrolment.waitlist_position = (last or 0) + 1
    enrolment.save(update_fields=["waitlist_position"])
    return enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.WAITLISTED, actor=actor)


def _offer_next(*, cohort: Cohort) -> Enrolment | None:
    """Offers a free place to the first waitlisted officer without an offer, by email. Only officers
    whose line manager approved are offered one: accepting an offer selects them, and selection needs
    that approval."""
    now = timezone.now()
    waiting = (
        cohort.enrolments.filter(status=Enrolment.Status.WAITLISTED)
        .filter(Q(offer_expires_at__isnull=True) | Q(offer_expires_at__lte=now))
        .filter(manager_decision=Enrolment.ManagerDecision.APPROVED)
        .select_related("officer", "organisation")
        .order_by("waitlist_position", "created_at")
    )
    for candidate in waiting:
        if candidate.offer_expires_at is not None:
            continue  # an offer already lapsed: they stay waitlisted, staff decide
        try:
            _places_check(cohort=cohort, enrolment=candidate)
        except CohortError:
            continue
        candidate.offer_expires_at = now + timedelta(days=OFFER_DAYS)
        candidate.save(update_fields=["offer_expires_at"])
        EnrolmentEvent.objects.create(
            enrolment=candidate,
            from_status=candidate.status,
            to_status=candidate.status,
            note=f"Offered a place until {timezone.localtime(candidate.offer_expires_at):%-d %B %Y %H:%M}",
        )
        link = absolute_url(reverse("cohorts:application_detail", kwargs={"pk": candidate.pk}))
        message_queue(
            recipient=candidate.officer,
            to_email=candidate.officer.email,
            kind="place_offer",
            dedup_key=f"place_offer:{candidate.pk}:{candidate.offer_expires_at.isoformat()}",
            template="cohorts_place_offer",
            context={"enrolment": candidate, "link": link},
        )
        return candidate
    return None


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, actor: User, note: str = "") -> Enrolment:
    """Withdraws an application. A selected officer's place is offered to the next on the waitlist."""
    cohort = Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise CohortError("This application has already been withdrawn")
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise CohortError(GRADUATED.format(officer=enrolment.officer.full_name))
    was_selected = enrolment.status == Enrolment.Status.SELECTED or enrolment.has_open_offer
    enrolment.waitlist_position = None
    enrolment.offer_expires_at = None
    enrolment.save(update_fields=["waitlist_position", "offer_expires_at"])
    enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.WITHDRAWN, actor=actor, note=note)
    if was_selected:
        _offer_next(cohort=cohort)
    return enrolment


OFFER_LAPSED = "Offer lapsed"


def place_offers_lapse(*, now: datetime | None = None) -> int:
    """Handles offers whose deadline passed: records the lapse once and offers the place to the next
    officer on the waitlist. The lapsed officer stays waitlisted (staff may still select them).
    Returns the number of lapsed offers handled. Run by beat every hour; safe to run twice."""
    now = now or timezone.now()
    lapsed = (
        Enrolment.objects.filter(status=Enrolment.Status.WAITLISTED, offer_expires_at__lte=now)
        .exclude(events__note=OFFER_LAPSED)
        .values_list("pk", "cohort_id")
    )
    handled = 0
    for enrolment_id, cohort_id in list(lapsed):
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=cohort_id)
            enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
            if enrolment.events.filter(note=OFFER_LAPSED).exists() or enrolment.has_open_offer:
                continue
            EnrolmentEvent.objects.create(
                enrolment=enrolment, from_status=enrolment.status, to_status=enrolment.status, note=OFFER_LAPSED
            )
            _offer_next(cohort=cohort)
            handled += 1
    return handled


@transaction.atomic
def offer_accept(*, enrolment: Enrolment, officer: User) -> Enrolment:
    Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.officer_id != officer.pk:
        raise CohortError("This offer is not yours")
    if not enrolment.has_open_offer:
        raise CohortError("This offer has expired or has already been answered")
    enrolment.waitlist_position = None
    enrolment.offer_expires_at = None
    enrolment.save(update_fields=["waitlist_position", "offer_expires_at"])
    return enrolment_set_status(
        enrolment=enrolment, status=Enrolment.Status.SELECTED, actor=officer, note="Accepted the offered place"
    )


# --- attendance ---


@transaction.atomic
def register_save(*, session: TrainingSession, marks: dict[int, str], actor: User) -> int:
    """Saves a whole session's register at once. `marks` maps enrolment ids to marks; only officers
    selected on the session's cohort can be marked."""
    allowed = set(
        session.cohort.enrolments.filter(
            status__in=[Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED]
        ).values_list("pk", flat=True)
    )
    unknown = set(marks) - allowed
    if unknown:
        raise CohortError("The register lists an officer who is not on this cohort")
    for enrolment_id, mark in marks.items():
        if mark not in Attendance.Mark.values:
            raise CohortError("Choose present, late, absent or excused for every officer")
        Attendance.objects.update_or_create(
            session=session, enrolment_id=enrolment_id, defaults={"mark": mark, "recorded_by": actor}
        )
    return len(marks)


# --- roster import ---

ROSTER_COLUMNS = ["email", "full_name", "organisation", "job_title", "stream"]


@dataclass
class RosterRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    email: str
    full_name: str
    organisation: Organisation | None
    job_title: str
    stream: Stream | None
    errors: list[str] = field(default_factory=list)
    outcome: str = ""  # "new officer", "selected", "already on the roster"


@dataclass
class RosterImport:
    rows: list[RosterRow]
    errors: list[str]  # "row N: message", and file-level problems
    saved: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> int:
        return sum(1 for row in self.rows if row.outcome != "already on the roster")


def _organisation_lookup() -> dict[str, Organisation]:
    lookup = {}
    for organisation in Organisation.objects.all():
        lookup[organisation.name.casefold()] = organisation
        if organisation.gss_code:
            lookup[organisation.gss_code.casefold()] = organisation
    return lookup


def roster_read(*, cohort: Cohort, content: bytes | str) -> RosterImport:
    """Reads and checks a roster CSV without saving anything."""
    reader = csv_dict_reader(content)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in ("email", "full_name", "organisation") if name not in header]
    if missing:
        return RosterImport(rows=[], errors=[f"row 1: the header must include {', '.join(missing)}"])
    reader.fieldnames = header
    organisations = _organisation_lookup()
    streams = {stream.name.casefold(): stream for stream in cohort.streams.all()}
    existing = {enrolment.officer.email: enrolment for enrolment in cohort.enrolments.select_related("officer")}
    users = {user.email: user for user in User.objects.all().only("email", "is_officer")}
    # Places taken as enrolment_select counts them: selected officers and open offers to the waitlist.
    holding = cohort.enrolments.filter(
        Q(status=Enrolment.Status.SELECTED) | Q(status=Enrolment.Status.WAITLISTED, offer_expires_at__gt=timezone.now())
    ).count()
    on_roster = (Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED)
    seen: set[str] = set()
    rows: list[RosterRow] = []
    for number, raw in enumerate(reader, start=2):
        values = {key: (value or "").strip() for key, value in raw.items() if key}
        email = values.get("email", "").lower()
        organisation_name = values.get("organisation", "")
        row = RosterRow(
            number=number,
            email=email,
            full_name=values.get("full_name", ""),
            organisation=organisations.get(organisation_name.casefold()),
            job_title=values.get("job_title", ""),
            stream=None,
        )
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(f"'{email}' is not a valid email address" if email else "enter an email address")
        if email and email in seen:
            row.errors.append(f"{email} appears more than once in the file")
        seen.add(email)
        if not row.full_name:
            row.errors.append("enter a full name")
        if row.organisation is None:
            row.errors.append(f"unknown organisation '{organisation_name}' (use its GSS code or full name)")
        stream_name = values.get("stream", "")
        if stream_name:
            row.stream = streams.get(stream_name.casefold())
            if row.stream is None:
                row.errors.append(f"unknown stream '{stream_name}'")
        enrolment = existing.get(email)
        if enrolment is not None and enrolment.status in on_roster:
            row.outcome = "already on the roster"
        else:
            row.outcome = "selected" if email in users else "new officer"
            # An officer holding an open offer already counts in `holding`.
            if not row.errors and not (enrolment is not None and enrolment.has_open_offer):
                holding += 1
                if holding > cohort.capacity:
                    row.errors.append(f"the cohort is full ({cohort.capacity} places)")
        rows.append(row)
    if not rows:
        return RosterImport(rows=[], errors=["row 2: the file has no officers in it"])
    errors = [f"row {row.number}: {message}" for row in rows for message in row.errors]
    return RosterImport(rows=rows, errors=errors)


@transaction.atomic
def roster_import(*, cohort: Cohort, content: bytes | str, actor: User | None, dry_run: bool = False) -> RosterImport:
    """All or nothing: every row must be valid, or nothing is saved. Officers already selected are
    left as they are, so importing the same file twice changes nothing."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    result = roster_read(cohort=cohort, content=content)
    if not result.is_valid or dry_run:
        return result
    from accounts.services import user_create

    for row in result.rows:
        if row.outcome == "already on the roster":
            continue
        officer = User.objects.filter(email__iexact=row.email).first()
        if officer is None:
            officer = user_create(
                email=row.email,
                full_name=row.full_name,
                organisation=row.organisation,
                job_title=row.job_title,
                is_officer=True,
                created_by=actor,
            )
        elif not officer.is_officer:
            officer.is_officer = True
            if officer.organisation_id is None:
                officer.organisation = row.organisation
            officer.save(update_fields=["is_officer", "organisation"])
        enrolment, _ = Enrolment.objects.get_or_create(
            cohort=cohort,
            officer=officer,
            defaults={
                "organisation": row.organisation,
                "job_title": row.job_title,
                "stream": row.stream,
                "applied_by": actor,
                # The programme team agreed release with managers outside the service.
                "manager_decision": Enrolment.ManagerDecision.APPROVED,
            },
        )
        enrolment.waitlist_position = None
        enrolment.offer_expires_at = None
        enrolment.stream = row.stream
        enrolment.save(update_fields=["waitlist_position", "offer_expires_at", "stream"])
        enrolment_set_status(
            enrolment=enrolment, status=Enrolment.Status.SELECTED, actor=actor, note="Imported from roster"
        )
    result.saved = True
    return result


# --- graduation, the trainer pathway and cascade sessions ---


@transaction.atomic
def graduation_record(
    *, enrolment: Enrolment, actor: User, showcase_presented: bool, note: str = "", graduated_on: date | None = None
) -> Graduation:
    """Marks a selected officer as having completed the cohort and issues their certificate. Staff see
    the criteria; an officer who does not meet all of them can still graduate, but only with a reason,
    which is kept in the enrolment's history."""
    enrolment = Enrolment.objects.select_for_update().select_related("cohort", "officer").get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise CohortError(f"{enrolment.officer.full_name} has already graduated")
    if enrolment.status != Enrolment.Status.SELECTED:
        raise CohortError("Only an officer with a place on the cohort can graduate")
    check = graduation_check(enrolment)
    if not check.meets_all(showcase_presented=showcase_presented) and not note.strip():
        raise CohortError("Give a reason for graduating an officer who does not meet every criterion")
    enrolment_set_status(
        enrolment=enrolment, status=Enrolment.Status.COMPLETED, actor=actor, note=note.strip() or "Graduated"
    )
    return Graduation.objects.create(
        enrolment=enrolment,
        graduated_on=graduated_on or timezone.localdate(),
        showcase_presented=showcase_presented or check.case_study_published,
        verification_token=secrets.token_urlsafe(24),
        recorded_by=actor,
    )


def _is_graduate(user: User) -> bool:
    return Enrolment.objects.filter(officer=user, status=Enrolment.Status.COMPLETED).exists()


@transaction.atomic
def trainer_step_record(*, graduate: User, kind: str, happened_on: date, note: str, actor: User) -> TrainerStep:
    """Graduate, then co-facilitator, then trainer: each step once, in that order."""
    if not _is_graduate(graduate):
        raise CohortError(f"{graduate.full_name} has not graduated yet")
    if happened_on > timezone.localdate():
        raise CohortError("Enter a date that is today or in the past")
    steps = {step.kind: step for step in TrainerStep.objects.filter(graduate=graduate)}
    if kind in steps:
        raise CohortError(f"{graduate.full_name} is already recorded as {steps[kind].get_kind_display().lower()}")
    if kind == TrainerStep.Kind.TRAINER:
        before = steps.get(TrainerStep.Kind.CO_FACILITATOR)
        if before is None:
            raise CohortError("Record the co-facilitator step before the trainer step")
        if happened_on < before.happened_on:
            raise CohortError("The trainer step cannot be before the co-facilitator step")
    step = TrainerStep(graduate=graduate, kind=kind, happened_on=happened_on, note=note, recorded_by=actor)
    step.full_clean()
    step.save()
    return step


class CascadeSessionInvalid(CohortError):
    """A cascade session that breaks a rule; `field` names the form field to show it on."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _attendee_emails_clean(emails: list[str], colleagues_reached: int) -> list[str]:
    cleaned: list[str] = []
    for email in emails:
        email = email.strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CascadeSessionInvalid(
                "attendee_emails", f"Enter {email} as an email address in the correct format, like name@example.org"
            ) from exc
        if email not in cleaned:
            cleaned.append(email)
    if len(cleaned) > colleagues_reached:
        raise CascadeSessionInvalid(
            "attendee_emails",
            f"You listed {len(cleaned)} attendees but reached {colleagues_reached} colleagues: "
            "the number of colleagues must be at least the number of attendees",
        )
    return cleaned


def _cascade_session_fill(
    session: CascadeSession,
    *,
    delivered_on: date,
    topic: str,
    format: str,
    length_minutes: int,
    colleagues_reached: int,
    attendee_emails: list[str],
) -> CascadeSession:
    if delivered_on > timezone.localdate():
        raise CascadeSessionInvalid("delivered_on", "The date must be today or in the past")
    if colleagues_reached < 1:
        raise CascadeSessionInvalid("colleagues_reached", "Enter the number of colleagues reached, at least 1")
    session.delivered_on = delivered_on
    session.topic = topic.strip()
    session.format = format
    session.length_minutes = length_minutes
    session.colleagues_reached = colleagues_reached
    session.attendee_emails = _attendee_emails_clean(attendee_emails, colleagues_reached)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def cascade_session_create(
    *,
    graduate: User,
    delivered_on: date,
    topic: str,
    format: str,
    length_minutes: int,
    colleagues_reached: int,
    attendee_emails: list[str] | None = None,
) -> CascadeSession:
    """A graduate logs a session they delivered in their own organisation."""
    if not _is_graduate(graduate):
        raise PermissionDenied
    session = CascadeSession(graduate=graduate, organisation=graduate.organisation)
    return _cascade_session_fill(
        session,
        delivered_on=delivered_on,
        topic=topic,
        format=format,
        length_minutes=length_minutes,
        colleagues_reached=colleagues_reached,
        attendee_emails=attendee_emails or [],
    )


@transaction.atomic
def cascade_session_update(
    *,
    session: CascadeSession,
    graduate: User,
    delivered_on: date,
    topic: str,
    format: str,
    length_minutes: int,
    colleagues_reached: int,
    attendee_emails: list[str] | None = None,
) -> CascadeSession:
    """Only the graduate who logged a session changes it. A change clears staff verification: staff
    verified what the session said before."""
    if session.graduate_id != graduate.pk:
        raise PermissionDenied
    session = CascadeSession.objects.select_for_update().get(pk=session.pk)
    session.verified_by = None
    session.verified_at = None
    return _cascade_session_fill(
        session,
        delivered_on=delivered_on,
        topic=topic,
        format=format,
        length_minutes=length_minutes,
        colleagues_reached=colleagues_reached,
        attendee_emails=attendee_emails or [],
    )


@transaction.atomic
def cascade_session_verify(*, session: CascadeSession, actor: User) -> CascadeSession:
    if not has_role(actor, Role.STAFF):
        raise PermissionDenied
    session = CascadeSession.objects.select_for_update().get(pk=session.pk)
    if session.verified_at is None:
        session.verified_by = actor
        session.verified_at = timezone.now()
        session.save(update_fields=["verified_by", "verified_at", "updated_at"])
    return session
