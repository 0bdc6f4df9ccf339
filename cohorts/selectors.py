from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Avg, CharField, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.permissions import Role, has_role
from notifications.models import Message

from .models import (
    Announcement,
    AnnouncementRecipient,
    Attendance,
    Cohort,
    CurriculumTemplate,
    Enrolment,
    Stream,
    TrainingSession,
)

AT_RISK_WINDOW = 4  # the last four held sessions
AT_RISK_ABSENCES = 2  # two or more unexcused absences in them


def cohort_list() -> QuerySet[Cohort]:
    """Every cohort with its numbers, for programme staff."""
    return Cohort.objects.annotate(
        selected_count=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.SELECTED)),
        applied_count=Count("enrolments"),
    ).order_by("-start_date", "name", "pk")


def enrolments_for_officer(officer: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(officer=officer).select_related("cohort", "stream", "organisation")


def current_enrolment(officer: User) -> Enrolment | None:
    """The officer's place on the cohort that matters now: a selected place first, then the newest."""
    enrolments = list(enrolments_for_officer(officer).order_by("-cohort__start_date"))
    for enrolment in enrolments:
        if enrolment.status in (Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED):
            return enrolment
    return enrolments[0] if enrolments else None


def sessions_for_enrolment(enrolment: Enrolment) -> list[TrainingSession]:
    """The training sessions an officer attends: all of the cohort's, or only their stream's weeks."""
    sessions = TrainingSession.objects.filter(cohort_id=enrolment.cohort_id).order_by("starts_at")
    if enrolment.stream_id:
        sessions = sessions.filter(
            week_number__gte=enrolment.stream.first_week, week_number__lte=enrolment.stream.last_week
        )
    return list(sessions)


def cohorts_visible_to(user: User) -> QuerySet[Cohort]:
    if has_role(user, Role.STAFF):
        return Cohort.objects.all()
    if has_role(user, Role.MENTOR):
        return Cohort.objects.exclude(status=Cohort.Status.DRAFT)
    return Cohort.objects.filter(enrolments__officer=user).distinct()


def _count_per_organisation(qs: QuerySet) -> Coalesce:
    """How many rows of `qs` belong to the outer organisation, as a subquery: counting people and
    enrolments through two joins on the organisation multiplies one by the other (every officer
    times every place) before DISTINCT can undo it."""
    counted = qs.filter(organisation=OuterRef("pk")).order_by().values("organisation").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(
        officer_count=_count_per_organisation(User.objects.filter(is_officer=True)),
        enrolment_count=_count_per_organisation(Enrolment.objects.all()),
    ).order_by("kind", "name")


def organisation_enrolments(organisation: Organisation) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(organisation=organisation)
        .select_related("officer", "cohort", "stream")
        .order_by("-cohort__start_date", "officer__full_name")
    )


def organisation_officers(organisation: Organisation) -> QuerySet[User]:
    """Officers of one organisation, whether or not they have applied yet."""
    return User.objects.officers().filter(organisation=organisation).order_by("full_name")


def curriculum_list() -> QuerySet[CurriculumTemplate]:
    return CurriculumTemplate.objects.annotate(topic_count=Count("topics")).order_by("name")


def cohorts_open_for_applications() -> QuerySet[Cohort]:
    return Cohort.objects.filter(status=Cohort.Status.RECRUITING).order_by("start_date")


def sessions_for_officer(officer: User) -> list[TrainingSession]:
    """Every session of every cohort the officer has a place on (selected or completed)."""
    sessions = []
    for enrolment in enrolments_for_officer(officer).filter(
        status__in=[Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED]
    ):
        sessions.extend(sessions_for_enrolment(enrolment))
    return sessions


def enrolment_visible_to(user: User, pk: int) -> Enrolment | None:
    """Staff see every application; an officer sees only their own."""
    qs = Enrolment.objects.select_related("cohort", "officer", "organisation", "stream")
    if not has_role(user, Role.STAFF):
        qs = qs.filter(officer=user)
    return qs.filter(pk=pk).first()


def applications_for_cohort(cohort: Cohort) -> QuerySet[Enrolment]:
    """Applications with their mean staff score, waitlist first in order, then by name."""
    return (
        cohort.enrolments.select_related("officer", "organisation", "stream")
        .annotate(mean_score=Avg("scores__score"), score_count=Count("scores"))
        .order_by("status", "waitlist_position", "officer__full_name", "pk")
    )


def roster(cohort: Cohort) -> QuerySet[Enrolment]:
    return (
        cohort.enrolments.filter(status__in=[Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED])
        .select_related("officer", "organisation", "stream")
        .order_by("officer__full_name")
    )


def _covers(enrolment: Enrolment, session: TrainingSession) -> bool:
    return enrolment.stream is None or enrolment.stream.covers(session.week_number)


def held_sessions(cohort: Cohort) -> list[TrainingSession]:
    return list(cohort.sessions.filter(starts_at__lte=timezone.now(), is_cancelled=False).order_by("starts_at"))


@dataclass
class OfficerAttendance:
    enrolment: Enrolment
    attended: int
    expected: int
    recent_absences: int  # in the last four held sessions, 0 once they attended after the latest

    @property
    def rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None

    @property
    def at_risk(self) -> bool:
        return self.recent_absences >= AT_RISK_ABSENCES


def _absences_at_risk(recent: list[str | None]) -> int:
    """Unexcused absences among the last held sessions (`recent`, oldest first), counted only while the
    officer has not attended since the latest of them: attending again clears the flag at once."""
    absences = [index for index, mark in enumerate(recent) if mark == Attendance.Mark.ABSENT]
    if not absences:
        return 0
    since = recent[absences[-1] + 1 :]
    if any(mark in (Attendance.Mark.PRESENT, Attendance.Mark.LATE) for mark in since):
        return 0
    return len(absences)


def attendance_by_officer(cohort: Cohort) -> list[OfficerAttendance]:
    """Attendance rate per officer over held sessions that had a register, and the at-risk flag:
    derived every time, never stored, so it clears itself once the officer attends again."""
    return attendance_by_officer_in([cohort], held_before=timezone.now()).get(cohort.pk, [])


def attendance_by_officer_in(cohorts: list[Cohort], *, held_before: datetime) -> dict[int, list[OfficerAttendance]]:
    """attendance_by_officer for many cohorts in three queries (the weekly digest), counting the
    sessions held before `held_before`. Keyed by cohort id."""
    sessions: dict[int, list[TrainingSession]] = {}
    for session in TrainingSession.objects.filter(
        cohort__in=cohorts, starts_at__lte=held_before, is_cancelled=False
    ).order_by("starts_at"):
        sessions.setdefault(session.cohort_id, []).append(session)
    marks = {
        (row.enrolment_id, row.session_id): row.mark
        for row in Attendance.objects.filter(session__cohort__in=cohorts).only("enrolment_id", "session_id", "mark")
    }
    enrolments = (
        Enrolment.objects.filter(cohort__in=cohorts, status__in=[Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED])
        .select_related("officer", "organisation", "stream")
        .order_by("officer__full_name")
    )
    result: dict[int, list[OfficerAttendance]] = {cohort.pk: [] for cohort in cohorts}
    for enrolment in enrolments:
        theirs = [session for session in sessions.get(enrolment.cohort_id, []) if _covers(enrolment, session)]
        recorded = [marks[(enrolment.pk, s.pk)] for s in theirs if (enrolment.pk, s.pk) in marks]
        recent = [marks.get((enrolment.pk, s.pk)) for s in theirs[-AT_RISK_WINDOW:]]
        result[enrolment.cohort_id].append(
            OfficerAttendance(
                enrolment=enrolment,
                attended=sum(1 for mark in recorded if mark in (Attendance.Mark.PRESENT, Attendance.Mark.LATE)),
                expected=sum(1 for mark in recorded if mark != Attendance.Mark.EXCUSED),
                recent_absences=_absences_at_risk(recent),
            )
        )
    return result


def next_session_start(*, after: datetime, statuses: tuple[str, ...] = (Cohort.Status.RUNNING,)) -> datetime | None:
    """When the next training session of a cohort in `statuses` starts: at that moment at-risk counts
    (which count sessions held) can change, so figures kept from before it are no longer right."""
    return (
        TrainingSession.objects.filter(cohort__status__in=statuses, is_cancelled=False, starts_at__gt=after)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )


def next_session_start_of(cohort: Cohort, *, after: datetime) -> datetime | None:
    """When the cohort's next session starts: from then it counts towards attendance and the at-risk
    flag, so the cohort page's figures kept from before it are no longer right."""
    return (
        cohort.sessions.filter(is_cancelled=False, starts_at__gt=after)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )


def next_offer_expiry(cohort: Cohort, *, after: datetime) -> datetime | None:
    """When the next open offer of a place in the cohort runs out: the applications list marks open
    offers, so what it kept from before then is no longer right."""
    return (
        cohort.enrolments.filter(status=Enrolment.Status.WAITLISTED, offer_expires_at__gt=after)
        .order_by("offer_expires_at")
        .values_list("offer_expires_at", flat=True)
        .first()
    )


def at_risk_counts(cohort_ids: list[int], *, held_before: datetime) -> dict[int, int]:
    """How many officers of each cohort are at risk, by the same rule as attendance_by_officer_in,
    counted in one SQL query (a window over each cohort and stream's last held sessions) so that the staff
    dashboard loads no enrolment or attendance mark. Cohorts with nobody at risk are left out."""
    ids = list(cohort_ids)
    if not ids:
        return {}
    present = (Attendance.Mark.PRESENT, Attendance.Mark.LATE)
    # The last held sessions are ranked once per cohort and stream (a few hundred rows), not once per
    # officer (officers times sessions); then only the marks on those sessions are read. An officer
    # with no mark on them has no absence there, so needs no row. The stream test is a CASE, not a
    # join key, so that PostgreSQL does not misjudge it as matching almost nothing and loop.
    sql = f"""
        WITH groups AS (
            SELECT DISTINCT e.cohort_id, e.stream_id FROM {Enrolment._meta.db_table} e
            WHERE e.cohort_id IN ({", ".join(["%s"] * len(ids))}) AND e.status IN (%s, %s)
        ), ranked AS (
            SELECT g.cohort_id, g.stream_id, s.id AS session_id,
                   ROW_NUMBER() OVER (PARTITION BY g.cohort_id, g.stream_id ORDER BY s.starts_at DESC, s.id DESC)
                   AS back
            FROM groups g
            JOIN {TrainingSession._meta.db_table} s ON s.cohort_id = g.cohort_id
            LEFT JOIN {Stream._meta.db_table} st ON st.id = g.stream_id
            WHERE s.starts_at <= %s AND s.is_cancelled = %s
              AND (g.stream_id IS NULL OR s.week_number BETWEEN st.first_week AND st.last_week)
        ), recent AS (
            SELECT a.enrolment_id, r.cohort_id, a.mark, r.back
            FROM ranked r
            JOIN {Attendance._meta.db_table} a ON a.session_id = r.session_id
            JOIN {Enrolment._meta.db_table} e
                 ON e.id = a.enrolment_id AND e.cohort_id = r.cohort_id AND e.status IN (%s, %s)
            WHERE r.back <= %s
              AND CASE WHEN e.stream_id IS NULL THEN r.stream_id IS NULL ELSE r.stream_id = e.stream_id END
        ), per_officer AS (
            SELECT enrolment_id, cohort_id,
                   SUM(CASE WHEN mark = %s THEN 1 ELSE 0 END) AS absences,
                   MIN(CASE WHEN mark = %s THEN back END) AS last_absence,
                   MIN(CASE WHEN mark IN (%s, %s) THEN back END) AS last_attended
            FROM recent GROUP BY enrolment_id, cohort_id
        )
        SELECT cohort_id, COUNT(*) FROM per_officer
        WHERE absences >= %s AND (last_attended IS NULL OR last_attended > last_absence)
        GROUP BY cohort_id
    """  # noqa: S608  only table names are formatted in; every value is a parameter
    placed = (Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED)
    params = [
        *ids,
        *placed,
        held_before,
        False,
        *placed,
        AT_RISK_WINDOW,
        Attendance.Mark.ABSENT,
        Attendance.Mark.ABSENT,
        *present,
        AT_RISK_ABSENCES,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def officers_at_risk(cohort: Cohort) -> list[OfficerAttendance]:
    return [row for row in attendance_by_officer(cohort) if row.at_risk]


def officer_attendance(enrolment: Enrolment) -> tuple[list[tuple[TrainingSession, Attendance | None]], bool]:
    """One officer's own marks per held session, and whether they are at risk."""
    sessions = [s for s in held_sessions(enrolment.cohort) if _covers(enrolment, s)]
    marks = {row.session_id: row for row in enrolment.attendances.all()}
    rows = [(session, marks.get(session.pk)) for session in sessions]
    recent = [mark.mark if mark is not None else None for _, mark in rows[-AT_RISK_WINDOW:]]
    return rows, _absences_at_risk(recent) >= AT_RISK_ABSENCES


@dataclass
class SessionAttendance:
    session: TrainingSession
    attended: int
    recorded: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.recorded if self.recorded else None


def attendance_by_session(cohort: Cohort) -> list[SessionAttendance]:
    sessions = cohort.sessions.annotate(
        attended=Count("attendances", filter=Q(attendances__mark__in=["present", "late"])),
        recorded=Count("attendances", filter=~Q(attendances__mark="excused")),
    ).order_by("starts_at")
    return [SessionAttendance(session=s, attended=s.attended, recorded=s.recorded) for s in sessions]


def register_rows(session: TrainingSession) -> list[tuple[Enrolment, str]]:
    """Every officer expected at the session, with the mark already recorded (or "")."""
    marks = dict(session.attendances.values_list("enrolment_id", "mark"))
    return [
        (enrolment, marks.get(enrolment.pk, "")) for enrolment in roster(session.cohort) if _covers(enrolment, session)
    ]


def previous_session_marks(session: TrainingSession) -> dict[int, str]:
    """Last week's register (the latest earlier session of the cohort that has marks), for "same as
    last week": enrolment id to mark."""
    previous = (
        TrainingSession.objects.filter(cohort_id=session.cohort_id, week_number__lt=session.week_number)
        .filter(attendances__isnull=False)
        .order_by("-week_number")
        .values_list("pk", flat=True)
        .first()
    )
    if previous is None:
        return {}
    return dict(Attendance.objects.filter(session_id=previous).values_list("enrolment_id", "mark"))


def applications_undecided(cohort: Cohort) -> QuerySet[Enrolment]:
    """Applications staff can still decide on (select, waitlist, not selected), for the bulk page."""
    return (
        cohort.enrolments.filter(
            status__in=[Enrolment.Status.APPLIED, Enrolment.Status.MANAGER_APPROVED, Enrolment.Status.WAITLISTED]
        )
        .select_related("officer", "organisation")
        .annotate(mean_score=Avg("scores__score"), score_count=Count("scores"))
        .order_by("officer__full_name", "pk")
    )


def announcement_list() -> QuerySet[Announcement]:
    """Every announcement with its delivery counts, each counted in SQL in the same query: the
    recipients fixed at sending, and their outbox rows by status (a person who unsubscribed from
    optional announcements has no row, so is counted as not emailed)."""
    messages = Message.objects.filter(
        dedup_key__startswith=Concat(Value("announcement:"), Cast(OuterRef("pk"), CharField()), Value(":"))
    )

    def counted(queryset) -> Subquery:
        return Subquery(
            queryset.order_by().annotate(group=Value(1)).values("group").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        )

    recipients = AnnouncementRecipient.objects.filter(announcement_id=OuterRef("pk"))
    return (
        Announcement.objects.select_related("sent_by", "cohort", "stream__cohort", "organisation")
        .annotate(
            recipient_count=Coalesce(counted(recipients), 0),
            dismissed_count=Coalesce(counted(recipients.filter(dismissed_at__isnull=False)), 0),
            emailed_count=Coalesce(counted(messages), 0),
            sent_count=Coalesce(counted(messages.filter(status=Message.Status.SENT)), 0),
            failed_count=Coalesce(counted(messages.filter(status=Message.Status.FAILED)), 0),
        )
        .order_by("-sent_at", "-pk")
    )


def announcement_banners(user: User) -> list[Announcement]:
    """The announcements this person has not dismissed, newest first (a few at most)."""
    return list(
        Announcement.objects.filter(recipients__user=user, recipients__dismissed_at__isnull=True).order_by(
            "-sent_at", "-pk"
        )[:5]
    )


def places_by_organisation(cohort: Cohort) -> list[dict]:
    caps = dict(cohort.organisation_places.values_list("organisation_id", "places"))
    rows = (
        cohort.enrolments.filter(status=Enrolment.Status.SELECTED)
        .values("organisation_id", "organisation__name", "organisation__gss_code")
        .annotate(filled=Count("pk"))
        .order_by("organisation__name")
    )
    result = [
        {
            "name": row["organisation__name"],
            "gss_code": row["organisation__gss_code"],
            "filled": row["filled"],
            "places": caps.pop(row["organisation_id"], None),
        }
        for row in rows
    ]
    for organisation in Organisation.objects.filter(pk__in=list(caps)).order_by("name"):
        result.append(
            {"name": organisation.name, "gss_code": organisation.gss_code, "filled": 0, "places": caps[organisation.pk]}
        )
    return result


def applications_waiting(cohort: Cohort) -> dict[str, int]:
    counts = cohort.enrolments.aggregate(
        manager=Count("pk", filter=Q(status=Enrolment.Status.APPLIED, manager_decision="pending")),
        staff=Count("pk", filter=Q(status=Enrolment.Status.MANAGER_APPROVED)),
    )
    return counts


# --- lists for the API (api/), scoped by the same rules as the pages ---


def training_sessions_visible_to(user: User) -> QuerySet[TrainingSession]:
    """The sessions of every cohort the person may see (cohorts_visible_to)."""
    return (
        TrainingSession.objects.filter(cohort__in=cohorts_visible_to(user))
        .select_related("cohort")
        .order_by("starts_at", "pk")
    )


def enrolments_visible_to(user: User) -> QuerySet[Enrolment]:
    """Staff see every application; anyone else only their own (as enrolment_visible_to)."""
    qs = Enrolment.objects.select_related("cohort", "officer", "organisation", "stream")
    if not has_role(user, Role.STAFF):
        qs = qs.filter(officer=user)
    return qs.order_by("-cohort__start_date", "pk")


def attendance_visible_to(user: User) -> QuerySet[Attendance]:
    """Staff see every register mark; an officer their own marks (as on their attendance page)."""
    qs = Attendance.objects.select_related("session__cohort", "enrolment__officer")
    if not has_role(user, Role.STAFF):
        qs = qs.filter(enrolment__officer=user)
    return qs.order_by("session__starts_at", "pk")
