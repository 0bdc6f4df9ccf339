"""Staff decisions on applications, one or many at once, and the outcome letter that goes with each.

A decision is select, waitlist or not selected. Each runs through the single-application rules
(`enrolment_select` re-checks capacity and the organisation's places under the lock on the cohort
row), and each writes an outcome letter to the applicant, with a copy to their line manager, in the
same transaction. Many decisions are all or nothing: one refusal rolls every one of them back.
"""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from common.site import absolute_url
from notifications.registry import register_kind
from notifications.services import message_queue

from ..models import Cohort, Enrolment
from .applications import _refuse_finished, enrolment_select, enrolment_waitlist
from .enrolments import CohortError, enrolment_set_status

OUTCOME_KIND = register_kind("application_outcome", "The outcome of an application, and its copy to the line manager")


class Decision:
    SELECT = "select"
    WAITLIST = "waitlist"
    NOT_SELECTED = "not_selected"

    CHOICES = [
        (SELECT, "Select"),
        (WAITLIST, "Add to the waitlist"),
        (NOT_SELECTED, "Not selected"),
    ]
    LABELS = dict(CHOICES)


# The statuses staff can still decide on.
UNDECIDED = (Enrolment.Status.APPLIED, Enrolment.Status.MANAGER_APPROVED, Enrolment.Status.WAITLISTED)


@dataclass(frozen=True)
class OutcomeLetter:
    """What the applicant (and, as a copy, their line manager) will read. Built before anything is
    saved so staff review the very words that are sent."""

    subject: str
    to_applicant: str
    to_manager: str


def outcome_context(*, enrolment: Enrolment, decision: str, reason: str = "", note: str = "") -> dict:
    return {
        "enrolment": enrolment,
        "decision": decision,
        "reason_label": Enrolment.OutcomeReason(reason).label if reason else "",
        "note": note.strip(),
        "link": absolute_url(reverse("cohorts:application_detail", kwargs={"pk": enrolment.pk})),
    }


def outcome_letter_preview(*, enrolment: Enrolment, decision: str, reason: str = "", note: str = "") -> OutcomeLetter:
    from notifications.rendering import email_render

    context = outcome_context(enrolment=enrolment, decision=decision, reason=reason, note=note)
    applicant = email_render(template="cohorts_application_outcome", context={**context, "copy": False})
    manager = email_render(template="cohorts_application_outcome", context={**context, "copy": True})
    return OutcomeLetter(subject=applicant.subject, to_applicant=applicant.text, to_manager=manager.text)


def _outcome_letters_queue(*, enrolment: Enrolment, decision: str, reason: str, note: str, event_id: int) -> None:
    context = outcome_context(enrolment=enrolment, decision=decision, reason=reason, note=note)
    message_queue(
        recipient=enrolment.officer,
        to_email=enrolment.officer.email,
        kind=OUTCOME_KIND.name,
        dedup_key=f"application_outcome:{enrolment.pk}:{event_id}",
        template="cohorts_application_outcome",
        context={**context, "copy": False},
    )
    if enrolment.line_manager_email:
        message_queue(
            to_email=enrolment.line_manager_email,
            kind=OUTCOME_KIND.name,
            dedup_key=f"application_outcome:{enrolment.pk}:{event_id}:manager",
            template="cohorts_application_outcome",
            context={**context, "copy": True},
        )


@transaction.atomic
def enrolment_not_select(*, enrolment: Enrolment, actor: User, reason: str, note: str = "") -> Enrolment:
    """Staff decide an application is not selected, for one of the fixed reasons."""
    if reason not in Enrolment.OutcomeReason.values:
        raise CohortError("Choose why the application was not selected", field="reason")
    Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related("officer").get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.NOT_SELECTED:
        raise CohortError(f"{enrolment.officer.full_name} has already been told they were not selected")
    if enrolment.status == Enrolment.Status.SELECTED:
        raise CohortError(f"{enrolment.officer.full_name} already has a place: withdraw them to free it")
    _refuse_finished(enrolment)
    enrolment.waitlist_position = None
    enrolment.offer_expires_at = None
    enrolment.outcome_reason = reason
    enrolment.outcome_note = note.strip()
    enrolment.save(update_fields=["waitlist_position", "offer_expires_at", "outcome_reason", "outcome_note"])
    label = Enrolment.OutcomeReason(reason).label
    return enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.NOT_SELECTED, actor=actor, note=label)


@transaction.atomic
def application_decide(
    *, enrolment: Enrolment, decision: str, actor: User, reason: str = "", note: str = ""
) -> Enrolment:
    """One staff decision and its outcome letters, in one transaction."""
    if decision == Decision.SELECT:
        decided = enrolment_select(enrolment=enrolment, actor=actor)
    elif decision == Decision.WAITLIST:
        decided = enrolment_waitlist(enrolment=enrolment, actor=actor)
    elif decision == Decision.NOT_SELECTED:
        decided = enrolment_not_select(enrolment=enrolment, actor=actor, reason=reason, note=note)
    else:
        raise CohortError("Choose a decision", field="decision")
    event = decided.events.order_by("-pk").first()
    decided = Enrolment.objects.select_related("officer", "cohort", "organisation").get(pk=decided.pk)
    _outcome_letters_queue(enrolment=decided, decision=decision, reason=reason, note=note, event_id=event.pk)
    return decided


class _DryRun(Exception):
    pass


def applications_decide_many(
    *,
    cohort: Cohort,
    enrolment_ids: list[int],
    decision: str,
    actor: User,
    reason: str = "",
    note: str = "",
    dry_run: bool = False,
) -> list[Enrolment]:
    """The same decision for many applications of one cohort, all or nothing. The first refusal
    (the cohort is full, a manager has not approved, …) is raised naming the officer, and nothing
    is saved. `dry_run` applies every rule and then rolls back, so the check page can say whether
    the decisions would go through before staff confirm them."""
    if not enrolment_ids:
        raise CohortError("Choose at least one application", field="applications")
    try:
        with transaction.atomic():
            decided = _decide_many(
                cohort=cohort, enrolment_ids=enrolment_ids, decision=decision, actor=actor, reason=reason, note=note
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return decided


def _decide_many(
    *, cohort: Cohort, enrolment_ids: list[int], decision: str, actor: User, reason: str, note: str
) -> list[Enrolment]:
    # The cohort row is locked once for the whole batch; each decision re-takes the same lock.
    Cohort.objects.select_for_update().get(pk=cohort.pk)
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort, pk__in=enrolment_ids)
        .select_related("officer")
        .order_by("officer__full_name", "pk")
    )
    if len(enrolments) != len(set(enrolment_ids)):
        raise CohortError("An application you chose is not on this cohort", field="applications")
    decided = []
    for enrolment in enrolments:
        try:
            decided.append(
                application_decide(enrolment=enrolment, decision=decision, actor=actor, reason=reason, note=note)
            )
        except CohortError as exc:
            name = enrolment.officer.full_name
            message = str(exc) if name in str(exc) else f"{name}: {exc}"
            raise CohortError(f"{message}. Nothing has been saved.", field=exc.field) from exc
    return decided
