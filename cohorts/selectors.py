from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Case, Count, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Role, has_role
from projects.models import Milestone, Project

from .models import (
    Attendance,
    CascadeSession,
    Cohort,
    CurriculumTemplate,
    Enrolment,
    Graduation,
    Organisation,
    TrainerStep,
    TrainingSession,
)

AT_RISK_WINDOW = 4  # the last four held sessions
AT_RISK_ABSENCES = 2  # two or more unexcused absences in them
GRADUATION_ATTENDANCE = 0.75  # attendance rate needed to graduate without a reason


def cohort_list() -> QuerySet[Cohort]:
    """Every cohort with its numbers, for programme staff."""
    return Cohort.objects.annotate(
        selected_count=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.SELECTED)),
        applied_count=Count("enrolments"),
    ).order_by("-start_date")


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


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(
        officer_count=Count("people", filter=Q(people__is_officer=True), distinct=True),
        enrolment_count=Count("enrolments", distinct=True),
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
        .order_by("status", "waitlist_position", "officer__full_name")
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


# --- graduation ---


@dataclass
class GraduationCheck:
    """One officer against the graduation criteria: attendance rate, every milestone of their project
    signed off, and the showcase (a published case study, or staff say they presented)."""

    attendance: OfficerAttendance
    milestones_signed_off: int
    milestones_total: int
    case_study_published: bool
    graduation: Graduation | None

    @property
    def enrolment(self) -> Enrolment:
        return self.attendance.enrolment

    @property
    def attendance_met(self) -> bool:
        return self.attendance.rate is not None and self.attendance.rate >= GRADUATION_ATTENDANCE

    @property
    def milestones_met(self) -> bool:
        return self.milestones_total > 0 and self.milestones_signed_off == self.milestones_total

    @property
    def showcase_met(self) -> bool:
        return self.case_study_published or (self.graduation is not None and self.graduation.showcase_presented)

    def meets_all(self, *, showcase_presented: bool = False) -> bool:
        return self.attendance_met and self.milestones_met and (self.showcase_met or showcase_presented)


def graduation_checks(cohort: Cohort) -> list[GraduationCheck]:
    """Every officer on the roster against the criteria, in a fixed number of queries."""
    attendance = attendance_by_officer(cohort)
    work = (
        Project.officers.through.objects.filter(project__cohort=cohort)
        .values("user_id")
        .annotate(
            total=Count("project__milestones"),
            signed=Count("project__milestones", filter=Q(project__milestones__state=Milestone.State.SIGNED_OFF)),
            published=Count("project__case_study", filter=Q(project__case_study__published_at__isnull=False)),
        )
    )
    by_officer = {row["user_id"]: row for row in work}
    graduations = {g.enrolment_id: g for g in Graduation.objects.filter(enrolment__cohort=cohort)}
    checks = []
    for row in attendance:
        project = by_officer.get(row.enrolment.officer_id, {})
        checks.append(
            GraduationCheck(
                attendance=row,
                milestones_signed_off=project.get("signed", 0),
                milestones_total=project.get("total", 0),
                case_study_published=bool(project.get("published")),
                graduation=graduations.get(row.enrolment.pk),
            )
        )
    return checks


def graduation_check(enrolment: Enrolment) -> GraduationCheck:
    return next(check for check in graduation_checks(enrolment.cohort) if check.enrolment.pk == enrolment.pk)


def graduation_visible_to(user: User, pk: int) -> Graduation | None:
    """Staff see every certificate; a graduate sees their own."""
    qs = Graduation.objects.select_related("enrolment__officer", "enrolment__cohort", "enrolment__organisation")
    if not has_role(user, Role.STAFF):
        qs = qs.filter(enrolment__officer=user)
    return qs.filter(pk=pk).first()


def graduation_by_token(token: str) -> Graduation | None:
    return (
        Graduation.objects.select_related("enrolment__officer", "enrolment__cohort", "enrolment__organisation")
        .filter(verification_token=token)
        .first()
    )


def graduations_of(officer: User) -> QuerySet[Graduation]:
    return Graduation.objects.filter(enrolment__officer=officer).select_related("enrolment__cohort")


# --- graduates, the trainer pathway and cascade sessions ---


def is_graduate(user: User) -> bool:
    return Enrolment.objects.filter(officer=user, status=Enrolment.Status.COMPLETED).exists()


@dataclass
class GraduateRow:
    graduation: Graduation
    stage: str
    sessions: int
    colleagues_reached: int

    @property
    def officer(self) -> User:
        return self.graduation.enrolment.officer


def trainer_stage(steps: list[TrainerStep]) -> str:
    kinds = {step.kind for step in steps}
    if TrainerStep.Kind.TRAINER in kinds:
        return TrainerStep.Kind.TRAINER.label
    if TrainerStep.Kind.CO_FACILITATOR in kinds:
        return TrainerStep.Kind.CO_FACILITATOR.label
    return "Graduate"


def graduate_list() -> list[GraduateRow]:
    """Every graduate (one row per certificate) with their stage on the pathway and their reach."""
    graduations = list(
        Graduation.objects.select_related(
            "enrolment__officer", "enrolment__cohort", "enrolment__organisation"
        ).order_by("enrolment__officer__full_name", "graduated_on")
    )
    steps: dict[int, list[TrainerStep]] = {}
    for step in TrainerStep.objects.all():
        steps.setdefault(step.graduate_id, []).append(step)
    reach = {
        row["graduate_id"]: row
        for row in CascadeSession.objects.values("graduate_id").annotate(
            n=Count("pk"), reached=Sum("colleagues_reached")
        )
    }
    return [
        GraduateRow(
            graduation=graduation,
            stage=trainer_stage(steps.get(graduation.enrolment.officer_id, [])),
            sessions=reach.get(graduation.enrolment.officer_id, {}).get("n", 0),
            colleagues_reached=reach.get(graduation.enrolment.officer_id, {}).get("reached", 0),
        )
        for graduation in graduations
    ]


def graduate_get(pk: int) -> User | None:
    """A graduate, for staff: None when the person has not completed a cohort."""
    return (
        User.objects.select_related("organisation")
        .filter(pk=pk, enrolments__status=Enrolment.Status.COMPLETED)
        .distinct()
        .first()
    )


def trainer_steps_of(graduate: User) -> list[TrainerStep]:
    return list(TrainerStep.objects.filter(graduate=graduate).select_related("recorded_by"))


def cascade_sessions_all() -> QuerySet[CascadeSession]:
    """Every cascade session, for programme staff: unverified first, newest first."""
    return CascadeSession.objects.select_related("graduate", "organisation", "verified_by").order_by(
        Case(When(verified_at__isnull=True, then=Value(0)), default=Value(1)), "-delivered_on", "-pk"
    )


def cascade_sessions_of(graduate: User) -> QuerySet[CascadeSession]:
    return (
        CascadeSession.objects.filter(graduate=graduate).select_related("organisation").order_by("-delivered_on", "-pk")
    )


def cascade_session_of(graduate: User, pk: int) -> CascadeSession | None:
    """A graduate's own session; another graduate's session is not found."""
    return cascade_sessions_of(graduate).filter(pk=pk).first()


def graduate_reach(graduate: User) -> dict[str, int]:
    totals = CascadeSession.objects.filter(graduate=graduate).aggregate(
        sessions=Count("pk"),
        colleagues=Sum("colleagues_reached"),
        verified=Count("pk", filter=Q(verified_at__isnull=False)),
    )
    return {key: value or 0 for key, value in totals.items()}
