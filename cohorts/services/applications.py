"""Applications: the line manager's sign-off, scores, selection, the waitlist and place offers."""

from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from common.site import absolute_url
from notifications.services import message_queue

from ..models import (
    ApplicationScore,
    Cohort,
    Enrolment,
    EnrolmentEvent,
    OrganisationPlaces,
)
from .enrolments import GRADUATED, CohortError, enrolment_set_status

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
