from django.db.models import Count, Q, QuerySet

from accounts.models import User
from accounts.permissions import Role, has_role

from .models import Cohort, Enrolment, Organisation, TrainingSession


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
