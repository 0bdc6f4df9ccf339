"""Reads for graduation, the trainer pathway and cascade sessions, scoped to the person asking."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.permissions import Role, has_role
from cohorts.models import Cohort, Enrolment
from cohorts.selectors import OfficerAttendance, attendance_by_officer
from projects.models import Milestone, Project

from .models import CascadeSession, Graduation, TrainerStep

GRADUATION_ATTENDANCE = 0.75  # attendance rate needed to graduate without a reason


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


def graduation_checks(cohort: Cohort, attendance: list[OfficerAttendance] | None = None) -> list[GraduationCheck]:
    """Every officer on the roster against the criteria, in a fixed number of queries. `attendance` is
    attendance_by_officer(cohort) when the caller has it already (the cohort page shows both)."""
    attendance = attendance_by_officer(cohort) if attendance is None else attendance
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


def _furthest_step() -> Case:
    """The graduate's furthest step on the pathway, as `trainer_stage` names it, in SQL."""
    steps = TrainerStep.objects.filter(graduate=OuterRef("enrolment__officer_id"))
    return Case(
        *(
            When(Exists(steps.filter(kind=kind)), then=Value(kind.label))
            for kind in (TrainerStep.Kind.TRAINER, TrainerStep.Kind.CO_FACILITATOR)
        ),
        default=Value("Graduate"),
    )


def graduate_list() -> QuerySet[Graduation]:
    """Every graduate (one row per certificate), by name, with `stage` on the pathway, `cascade_count`
    and `colleagues` (their reach): each a subquery, so a page of rows reads only its own steps and sessions."""
    sessions = CascadeSession.objects.filter(graduate=OuterRef("enrolment__officer_id")).order_by().values("graduate")
    return (
        Graduation.objects.select_related("enrolment__officer", "enrolment__cohort", "enrolment__organisation")
        .annotate(
            stage=_furthest_step(),
            cascade_count=Coalesce(Subquery(sessions.annotate(n=Count("pk")).values("n")), 0),
            colleagues=Coalesce(Subquery(sessions.annotate(n=Sum("colleagues_reached")).values("n")), 0),
        )
        .order_by("enrolment__officer__full_name", "graduated_on", "pk")
    )


def graduate_rows(graduations: Iterable[Graduation]) -> list[GraduateRow]:
    """What the graduates table shows for `graduations` from `graduate_list` (no queries)."""
    return [
        GraduateRow(
            graduation=graduation,
            stage=graduation.stage,
            sessions=graduation.cascade_count,
            colleagues_reached=graduation.colleagues,
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


def cascade_sessions_visible_to(user: User) -> QuerySet[CascadeSession]:
    """Staff see every cascade session (as the staff list); a graduate their own (as their own list)."""
    if has_role(user, Role.STAFF):
        return cascade_sessions_all()
    return cascade_sessions_of(user)
