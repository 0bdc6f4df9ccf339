from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Role, has_role
from cohorts.models import Cohort, Enrolment, TrainingSession
from cohorts.selectors import current_enrolment, sessions_for_enrolment

from .models import AvailabilityException, AvailabilityWindow, Booking, CalendarFeed, MentorAllocation, MentorProfile

LONDON = ZoneInfo("Europe/London")
HORIZON_DAYS = 21


@dataclass(frozen=True)
class Slot:
    mentor: User
    starts_at: datetime  # aware, UTC
    ends_at: datetime

    @property
    def value(self) -> str:
        """What a form posts: the mentor and the start in UTC. The server re-derives it before booking."""
        return f"{self.mentor.pk}:{self.starts_at.strftime('%Y%m%dT%H%M')}"


def parse_slot_value(value: str) -> tuple[int, datetime] | None:
    try:
        mentor_id, stamp = value.split(":", 1)
        return int(mentor_id), datetime.strptime(stamp, "%Y%m%dT%H%M").replace(tzinfo=UTC)
    except (ValueError, AttributeError):
        return None


def london_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def week_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00, London time, of the week holding `moment`."""
    day = london_date(moment)
    monday = day - timedelta(days=day.weekday())
    return (
        datetime.combine(monday, datetime.min.time(), tzinfo=LONDON),
        datetime.combine(monday + timedelta(days=7), datetime.min.time(), tzinfo=LONDON),
    )


def _overlaps(start: datetime, end: datetime, busy: list[tuple[datetime, datetime]]) -> bool:
    return any(start < busy_end and end > busy_start for busy_start, busy_end in busy)


class BookedTime(NamedTuple):
    """When a mentor is booked (all derive_slots reads of a Booking)."""

    starts_at: datetime
    ends_at: datetime


def derive_slots(
    *,
    profile: MentorProfile,
    windows: list[AvailabilityWindow],
    leave: list[AvailabilityException],
    mentor_bookings: list[Booking] | list[BookedTime],
    days: list[date],
    now: datetime,
    officer_busy: list[tuple[datetime, datetime]] = (),
) -> list[Slot]:
    """Free slots: windows (London wall-clock, expanded per date) minus leave, the mentor's active
    bookings with the buffer either side, minimum notice, the daily maximum, and the officer's own
    busy times. Pure: no queries."""
    length, buffer = profile.session_length, profile.buffer
    earliest = now + profile.min_notice
    mentor_busy = [(b.starts_at - buffer, b.ends_at + buffer) for b in mentor_bookings]
    per_day = defaultdict(int)
    for booking in mentor_bookings:
        per_day[london_date(booking.starts_at)] += 1
    slots = []
    for day in days:
        if any(away.starts_on <= day <= away.ends_on for away in leave):
            continue
        if per_day[day] >= profile.max_sessions_per_day:
            continue
        todays = [w for w in windows if w.on_date == day or (w.on_date is None and w.weekday == day.weekday())]
        for window in sorted(todays, key=lambda w: w.starts_time):
            start = datetime.combine(day, window.starts_time, tzinfo=LONDON).astimezone(UTC)
            window_end = datetime.combine(day, window.ends_time, tzinfo=LONDON).astimezone(UTC)
            while start + length <= window_end:
                end = start + length
                if (
                    start >= earliest
                    and not _overlaps(start, end, mentor_busy)
                    and not _overlaps(start, end, officer_busy)
                ):
                    slots.append(Slot(mentor=profile.mentor, starts_at=start, ends_at=end))
                start = end + buffer
    return sorted(set(slots), key=lambda s: s.starts_at)


def _days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]


def officer_taught_times(officer: User, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The officer's own taught time between `start` and `end`: every training session (not cancelled) of
    a cohort they are selected on, in their stream's weeks, from its start to its taught end. The
    cohort's project time at the end of the day is not in it: office hours run then. Two queries."""
    enrolments = {
        enrolment.cohort_id: enrolment
        for enrolment in Enrolment.objects.filter(officer=officer, status=Enrolment.Status.SELECTED).select_related(
            "cohort", "stream"
        )
    }
    if not enrolments:
        return []
    sessions = TrainingSession.objects.filter(
        cohort_id__in=list(enrolments), is_cancelled=False, starts_at__lt=end, ends_at__gt=start
    ).order_by("starts_at")
    taught = []
    for session in sessions:
        enrolment = enrolments[session.cohort_id]
        if enrolment.stream and not enrolment.stream.covers(session.week_number):
            continue
        session.cohort = enrolment.cohort
        if session.taught_ends_at > session.starts_at and session.taught_ends_at > start:
            taught.append((session.starts_at, session.taught_ends_at))
    return taught


def officer_busy_times(
    officer: User, start: datetime, end: datetime, *, exclude_booking: Booking | None = None
) -> list[tuple[datetime, datetime]]:
    """When the officer cannot have a mentoring session: their own active bookings and their taught
    training time. The one rule for every page that offers a slot (an officer's booking page, pooled
    office hours, moving a session, the mentor's scheduling page) and for the services that book."""
    bookings = Booking.objects.active().filter(officer=officer).overlapping(start, end)
    if exclude_booking is not None:
        bookings = bookings.exclude(pk=exclude_booking.pk)
    return list(bookings.values_list("starts_at", "ends_at")) + officer_taught_times(officer, start, end)


def free_slots(
    *,
    mentors: list[User] | QuerySet[User],
    first_day: date,
    day_count: int = HORIZON_DAYS,
    now: datetime | None = None,
    officer: User | None = None,
    exclude_booking: Booking | None = None,
) -> list[Slot]:
    """Free slots of several mentors over `day_count` London days, in a fixed number of queries."""
    now = now or timezone.now()
    days = _days(first_day, day_count)
    start = datetime.combine(days[0], datetime.min.time(), tzinfo=LONDON)
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tzinfo=LONDON)
    profiles = list(
        MentorProfile.objects.filter(mentor__in=mentors, mentor__is_active=True)
        .select_related("mentor")
        .prefetch_related(
            Prefetch("mentor__availability_windows", to_attr="window_list"),
            Prefetch(
                "mentor__leave",
                queryset=AvailabilityException.objects.filter(ends_on__gte=days[0]),
                to_attr="leave_list",
            ),
        )
    )
    bookings = (
        Booking.objects.active()
        .filter(mentor__in=[p.mentor for p in profiles])
        .overlapping(start - timedelta(hours=2), end + timedelta(hours=2))
    )
    if exclude_booking is not None:
        bookings = bookings.exclude(pk=exclude_booking.pk)
    # Only the times: a mentor's three weeks of bookings are hundreds of rows at a programme's scale.
    by_mentor = defaultdict(list)
    for mentor_id, starts_at, ends_at in bookings.values_list("mentor_id", "starts_at", "ends_at"):
        by_mentor[mentor_id].append(BookedTime(starts_at, ends_at))
    busy = officer_busy_times(officer, start, end, exclude_booking=exclude_booking) if officer else []
    slots = []
    for profile in profiles:
        slots += derive_slots(
            profile=profile,
            windows=profile.mentor.window_list,
            leave=profile.mentor.leave_list,
            mentor_bookings=by_mentor[profile.mentor_id],
            days=days,
            now=now,
            officer_busy=busy,
        )
    return sorted(slots, key=lambda s: (s.starts_at, s.mentor.full_name))


def nearest_free_slots(*, mentor: User, around: datetime, officer: User | None = None, count: int = 3) -> list[Slot]:
    slots = free_slots(
        mentors=[mentor], first_day=london_date(around) - timedelta(days=1), day_count=15, officer=officer
    )
    return sorted(slots, key=lambda s: abs(s.starts_at - around))[:count]


def mentor_profiles(*, expertise: str = "") -> QuerySet[MentorProfile]:
    profiles = MentorProfile.objects.filter(mentor__is_active=True, mentor__is_mentor=True).select_related(
        "mentor__organisation"
    )
    if expertise:
        profiles = profiles.filter(expertise__icontains=f'"{expertise}"')
    return profiles.order_by("mentor__full_name")


def mentors_for_booking() -> QuerySet[User]:
    return User.objects.filter(is_mentor=True, is_active=True, mentor_profile__isnull=False)


def next_training_days(officer: User, *, now: datetime | None = None, count: int = 4) -> list[TrainingSession]:
    now = now or timezone.now()
    enrolment = current_enrolment(officer)
    if enrolment is None:
        return []
    return [s for s in sessions_for_enrolment(enrolment) if s.ends_at > now and not s.is_cancelled][:count]


def first_day_with_free_slots(
    *, officer: User, days: list[date], mentors: list[User]
) -> tuple[date | None, list[Slot]]:
    """The first of `days` on which any of `mentors` has a time the officer can book, and that day's
    free slots. Today's training day is often past every mentor's minimum notice; the pooled view then
    opens on the next one. One free_slots call over the span of days (a fixed number of queries), whose
    slots for the chosen day are the page's: it need not ask again."""
    if not days:
        return None, []
    slots = free_slots(mentors=mentors, first_day=days[0], day_count=(days[-1] - days[0]).days + 1, officer=officer)
    by_day: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_day[london_date(slot.starts_at)].append(slot)
    day = next((day for day in days if day in by_day), days[0])
    return day, by_day.get(day, [])


def bookings_visible_to(user: User) -> QuerySet[Booking]:
    qs = Booking.objects.select_related("mentor__organisation", "officer__organisation")
    if has_role(user, Role.STAFF):
        return qs
    return qs.filter(Q(officer=user) | Q(mentor=user))


def _mine(user: User) -> QuerySet[Booking]:
    """Staff who are neither mentor nor officer see every booking; everyone else sees their own."""
    qs = bookings_visible_to(user)
    if user.is_mentor or user.is_officer:
        return qs.filter(Q(officer=user) | Q(mentor=user))
    return qs


def bookings_of(user: User) -> QuerySet[Booking]:
    """The sessions list's rows: a mentor's or officer's own bookings, or every booking for staff who
    are neither (mentoring.filters.BookingFilter splits them into upcoming and past)."""
    return _mine(user)


def upcoming_bookings(user: User, *, now: datetime | None = None) -> QuerySet[Booking]:
    now = now or timezone.now()
    return _mine(user).filter(ends_at__gt=now).active()


def past_bookings(user: User, *, now: datetime | None = None) -> QuerySet[Booking]:
    now = now or timezone.now()
    return _mine(user).filter(Q(ends_at__lte=now) | ~Q(status__in=Booking.ACTIVE_STATUSES)).order_by("-starts_at")


def mentees_of(mentor: User, *, now: datetime | None = None) -> QuerySet[MentorAllocation]:
    """The mentor's allocated officers by name, each with `last_session` worked out in SQL. Only
    sessions that took place count: a no-show is not contact, so an officer who missed their session
    still shows as quiet."""
    now = now or timezone.now()
    # A subquery per row shown, not a join grouped over every booking the mentees ever had: a page of
    # ten reads ten officers' latest bookings, and a count needs none.
    latest = (
        Booking.objects.filter(officer=OuterRef("officer"), starts_at__lte=now, status=Booking.Status.CONFIRMED)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    return (
        MentorAllocation.objects.filter(mentor=mentor)
        .select_related("officer__organisation")
        .annotate(last_session=Subquery(latest))
        .order_by("officer__full_name", "pk")
    )


QUIET_DAYS = 14


def quiet_mentees(mentees: QuerySet[MentorAllocation], *, now: datetime | None = None, days: int = QUIET_DAYS):
    """Those of `mentees` (mentees_of) with no session in the last `days` days, or none yet."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return mentees.filter(Q(last_session__isnull=True) | Q(last_session__lt=cutoff))


def officers_for_allocation(cohort: Cohort | None = None) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(status=Enrolment.Status.SELECTED).exclude(cohort__status=Cohort.Status.FINISHED)
    if cohort is not None:
        qs = qs.filter(cohort=cohort)
    return qs.select_related("officer__lead_mentor__mentor", "organisation", "cohort").order_by(
        "cohort__start_date", "officer__full_name"
    )


def cohorts_for_allocation() -> QuerySet[Cohort]:
    return Cohort.objects.exclude(status__in=[Cohort.Status.FINISHED, Cohort.Status.DRAFT]).order_by("start_date")


def mentor_load(cohort: Cohort) -> list[User]:
    """Active mentors with `mentee_count` (lead-mentor allocations among the cohort's officers) and
    `session_count` (active bookings with them), each counted in SQL by mentor from the cohort's
    officers' side: three queries, reading only those officers' rows, however many bookings the
    programme holds. (Counting both through joins on the mentor multiplied allocations by bookings:
    459,200 joined rows for 20 mentors at scale, half a second.)"""
    # One enrolment per officer per cohort (a constraint), so the join to it counts no row twice.
    placed = Q(officer__enrolments__cohort=cohort, officer__enrolments__status=Enrolment.Status.SELECTED)
    mentees = dict(MentorAllocation.objects.filter(placed).values_list("mentor_id").annotate(n=Count("pk")).order_by())
    sessions = dict(
        Booking.objects.filter(placed, status__in=Booking.ACTIVE_STATUSES)
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    mentors = list(User.objects.mentors().filter(is_active=True).order_by("full_name"))
    for mentor in mentors:
        mentor.mentee_count = mentees.get(mentor.pk, 0)
        mentor.session_count = sessions.get(mentor.pk, 0)
    return mentors


@dataclass
class Availability:
    weekly: list[AvailabilityWindow]
    one_off: list[AvailabilityWindow]
    leave: list[AvailabilityException]


def availability_of(mentor: User, *, today: date | None = None) -> Availability:
    """A mentor's own weekly times, and their one-off times and leave from today on."""
    today = today or timezone.localdate()
    windows = list(mentor.availability_windows.filter(Q(on_date__isnull=True) | Q(on_date__gte=today)))
    return Availability(
        weekly=[w for w in windows if w.on_date is None],
        one_off=sorted((w for w in windows if w.on_date), key=lambda w: (w.on_date, w.starts_time)),
        leave=list(mentor.leave.filter(ends_on__gte=today).order_by("starts_on", "ends_on")),
    )


def calendar_feed_for(user: User) -> CalendarFeed | None:
    """The user's private feed, if they have made one (made by POST, never on a GET)."""
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()


def feed_bookings(user: User) -> QuerySet[Booking]:
    since = timezone.now() - timedelta(days=90)
    return (
        Booking.objects.filter(Q(officer=user) | Q(mentor=user), starts_at__gte=since)
        .select_related("mentor", "officer")
        .order_by("starts_at")
    )


def feed_training_sessions(user: User) -> list[TrainingSession]:
    enrolment = current_enrolment(user)
    if enrolment is None or enrolment.status not in (Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED):
        return []
    return [s for s in sessions_for_enrolment(enrolment) if not s.is_cancelled]


@dataclass
class Utilisation:
    cohort: Cohort
    mentor: User
    offered_hours: float
    booked_hours: float
    used_hours: float


def utilisation_cohorts() -> QuerySet[Cohort]:
    """The cohorts the utilisation page shows: every one that has started (not a draft), newest first."""
    return Cohort.objects.exclude(status=Cohort.Status.DRAFT).order_by("-start_date", "-pk")


def mentor_utilisation(
    *,
    now: datetime | None = None,
    cohorts: list[Cohort] | None = None,
    between: tuple[date, date] | None = None,
) -> list[Utilisation]:
    """Per cohort and mentor: hours offered (windows over the cohort's days, less leave), booked (active or no-show
    bookings with the cohort's officers) and used (past, attended). `cohorts` defaults to every cohort
    that has started (not draft); `between` (London dates, inclusive) narrows all three to those days,
    as the staff digest's "last week" does. Five queries, however many cohorts and mentors."""
    now = now or timezone.now()
    if cohorts is None:
        cohorts = list(utilisation_cohorts())
    if not cohorts:
        return []
    profiles = list(
        MentorProfile.objects.select_related("mentor")
        .prefetch_related(
            Prefetch("mentor__availability_windows", to_attr="window_list"),
            Prefetch("mentor__leave", to_attr="leave_list"),
        )
        .order_by("mentor__full_name")
    )
    officer_cohort = dict(
        Enrolment.objects.filter(
            cohort__in=cohorts, status__in=[Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED]
        ).values_list("officer_id", "cohort_id")
    )
    minutes = defaultdict(lambda: [0, 0])  # (cohort, mentor) -> booked, used
    bookings = Booking.objects.filter(
        status__in=[*Booking.ACTIVE_STATUSES, Booking.Status.NO_SHOW], officer_id__in=officer_cohort
    )
    if between is not None:
        bookings = bookings.filter(
            starts_at__gte=datetime.combine(between[0], datetime.min.time(), tzinfo=LONDON),
            starts_at__lt=datetime.combine(between[1] + timedelta(days=1), datetime.min.time(), tzinfo=LONDON),
        )
    # Summed in SQL per officer and mentor (issue 16): the page reads one row per pair, not per booking.
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    for officer_id, mentor_id, booked, used in (
        bookings.values("officer_id", "mentor_id")
        .annotate(
            booked=Sum(length),
            used=Sum(length, filter=Q(ends_at__lte=now, status=Booking.Status.CONFIRMED)),
        )
        .values_list("officer_id", "mentor_id", "booked", "used")
        .order_by()
    ):
        key = (officer_cohort[officer_id], mentor_id)
        minutes[key][0] += (booked or timedelta()).total_seconds() / 60
        minutes[key][1] += (used or timedelta()).total_seconds() / 60
    rows = []
    for cohort in cohorts:
        days = set(_days(cohort.start_date, cohort.weeks * 7))
        if between is not None:
            days &= set(_days(between[0], (between[1] - between[0]).days + 1))
        for profile in profiles:
            offered = _offered_minutes(profile.mentor.window_list, profile.mentor.leave_list, days)
            booked, used = minutes[(cohort.pk, profile.mentor_id)]
            rows.append(
                Utilisation(cohort, profile.mentor, round(offered / 60, 1), round(booked / 60, 1), round(used / 60, 1))
            )
    return rows


def _offered_minutes(windows: list[AvailabilityWindow], leave: list[AvailabilityException], days: set[date]) -> float:
    """Minutes of a mentor's windows on `days`, less their leave: one pass over the days, not one per window."""
    available = days
    if leave:
        available = {day for day in days if not any(away.starts_on <= day <= away.ends_on for away in leave)}
    weekdays = Counter(day.weekday() for day in available)
    offered = 0.0
    for window in windows:
        span = (
            datetime.combine(date.min, window.ends_time) - datetime.combine(date.min, window.starts_time)
        ).total_seconds() / 60
        offered += span * ((window.on_date in available) if window.on_date else weekdays[window.weekday])
    return offered


def max_bookings_per_week() -> int:
    return settings.MENTORING_MAX_BOOKINGS_PER_WEEK


def booking_counts_for(officers: list[User]) -> dict[int, int]:
    return dict(
        Booking.objects.active()
        .filter(officer__in=officers)
        .values_list("officer_id")
        .annotate(n=Count("pk"))
        .values_list("officer_id", "n")
    )


def own_bookings(user: User) -> QuerySet[Booking]:
    """The person's own sessions, as officer or as mentor, whatever their role (the API's bookings)."""
    return bookings_visible_to(user).filter(Q(officer=user) | Q(mentor=user)).order_by("starts_at", "pk")
