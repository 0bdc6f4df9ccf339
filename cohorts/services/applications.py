"""Applications: the line manager's sign-off, scores, selection, the waitlist and place offers."""

from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from audit.actions import Action
from audit.log import current_request, record
from common.formatting import format_datetime
from common.site import absolute_url
from notifications.services import message_cancel_for, message_queue

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
    record(
        Action.APPLICATION_MADE,
        actor=applied_by,
        obj=enrolment,
        after={"status": enrolment.status, "cohort": cohort.slug},
        on_behalf_of=officer.email if officer != applied_by else "",
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


# Until staff decide, the application is still the manager's to answer (and to change their mind on).
MANAGER_MAY_ANSWER = (Enrolment.Status.APPLIED, Enrolment.Status.MANAGER_APPROVED)


@transaction.atomic
def manager_decide(*, enrolment: Enrolment, approve: bool) -> Enrolment:
    """The line manager's answer. They may change it until staff decide on the application (select,
    waitlist, not selected) or it is withdrawn; after that a new answer is refused. Giving the same
    answer again changes nothing."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status not in MANAGER_MAY_ANSWER:
        raise CohortError(
            "The programme team has already decided on this application, so your answer can no longer be changed"
        )
    decision = Enrolment.ManagerDecision.APPROVED if approve else Enrolment.ManagerDecision.DECLINED
    if enrolment.manager_decision == decision:
        return enrolment
    changed = enrolment.manager_decision != Enrolment.ManagerDecision.PENDING
    previous_decision = enrolment.manager_decision
    enrolment.manager_decision = decision
    enrolment.manager_decided_at = timezone.now()
    enrolment.save(update_fields=["manager_decision", "manager_decided_at"])
    verb = "approved" if approve else "declined"
    manager = f"line manager {enrolment.line_manager_email}"
    record(
        Action.APPLICATION_MANAGER_DECIDED,
        actor_label=manager,
        obj=enrolment,
        before={"manager_decision": previous_decision},
        after={"manager_decision": enrolment.manager_decision},
    )
    note = f"Line manager {enrolment.line_manager_email} {'changed their answer: ' if changed else ''}{verb}"
    status = Enrolment.Status.MANAGER_APPROVED if approve else Enrolment.Status.APPLIED
    if enrolment.status != status:
        enrolment_set_status(enrolment=enrolment, status=status, actor=None, note=note, actor_label=manager)
    else:
        EnrolmentEvent.objects.create(
            enrolment=enrolment, from_status=enrolment.status, to_status=enrolment.status, note=note
        )
    return enrolment


@transaction.atomic
def application_score(*, enrolment: Enrolment, scorer: User, score: int, comment: str = "") -> ApplicationScore:
    if not 1 <= score <= 5:
        raise CohortError("Enter a score from 1 to 5")
    old = ApplicationScore.objects.filter(enrolment=enrolment, scorer=scorer).values("score", "comment").first()
    row, _ = ApplicationScore.objects.update_or_create(
        enrolment=enrolment, scorer=scorer, defaults={"score": score, "comment": comment}
    )
    record(
        Action.APPLICATION_SCORED,
        actor=scorer,
        obj=enrolment,
        before={"score": old["score"]} if old else {},
        after={"score": score},
    )
    return row


def _places_check(*, cohort: Cohort, enrolment: Enrolment, count_offers: bool = True) -> None:
    """Refuses a place beyond the cohort's capacity or the organisation's places. The caller holds the
    lock on the cohort row, so nobody else can take a place between this check and the write.

    Open offers to waitlisted officers hold their place until they expire (`count_offers`). Accepting
    an offer counts only the officers already selected: every open offer is an equal claim, so when
    more are open than places (offers made before capacity went down), the first to accept wins."""
    now = timezone.now()
    holding = cohort.enrolments.exclude(pk=enrolment.pk).filter(status=Enrolment.Status.SELECTED)
    if count_offers:
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
            note=f"Offered a place until {format_datetime(candidate.offer_expires_at)}",
        )
        record(
            Action.PLACE_OFFERED,
            obj=candidate,
            actor_label="" if current_request.get() is not None else "the waitlist (automatic)",
            after={"offer_expires_at": candidate.offer_expires_at.isoformat()},
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
OFFER_WITHDRAWN = "Offer withdrawn"


def place_offers_lapse(*, now: datetime | None = None) -> int:
    """Handles offers whose deadline passed: records the lapse once and offers the place to the next
    officer on the waitlist. The lapsed officer stays waitlisted (staff may still select them).
    Returns the number of lapsed offers handled. Run by beat every hour; safe to run twice."""
    now = now or timezone.now()
    lapsed = (
        Enrolment.objects.filter(status=Enrolment.Status.WAITLISTED, offer_expires_at__lte=now)
        .exclude(events__note=OFFER_LAPSED)
        .exclude(events__note__startswith=OFFER_WITHDRAWN)
        .values_list("pk", "cohort_id")
    )
    handled = 0
    for enrolment_id, cohort_id in list(lapsed):
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=cohort_id)
            enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
            if (
                enrolment.has_open_offer
                or enrolment.events.filter(Q(note=OFFER_LAPSED) | Q(note__startswith=OFFER_WITHDRAWN)).exists()
            ):
                continue
            EnrolmentEvent.objects.create(
                enrolment=enrolment, from_status=enrolment.status, to_status=enrolment.status, note=OFFER_LAPSED
            )
            record(
                Action.PLACE_OFFER_LAPSED,
                obj=enrolment,
                actor_label="the lapse job (automatic)",
                before={"offer_expires_at": enrolment.offer_expires_at.isoformat()},
            )
            _offer_next(cohort=cohort)
            handled += 1
    return handled


def _offer_withdraw(*, enrolment: Enrolment, reason: str, actor: User | None, email: bool) -> None:
    """Ends an open offer now. The officer stays waitlisted; the history says why. The lapse job
    leaves it alone (it was withdrawn, not lapsed) and its deadline reminder is cancelled."""
    before = {"offer_expires_at": enrolment.offer_expires_at.isoformat() if enrolment.offer_expires_at else None}
    enrolment.offer_expires_at = timezone.now()
    enrolment.save(update_fields=["offer_expires_at"])
    EnrolmentEvent.objects.create(
        enrolment=enrolment,
        from_status=enrolment.status,
        to_status=enrolment.status,
        actor=actor,
        note=f"{OFFER_WITHDRAWN}: {reason}"[:300],
    )
    record(
        Action.PLACE_OFFER_WITHDRAWN,
        obj=enrolment,
        actor=actor,
        before=before,
        after={"offer_expires_at": enrolment.offer_expires_at.isoformat()},
        reason=reason[:300],
    )
    message_cancel_for(dedup_prefix=f"offer-deadline:{enrolment.pk}:")
    if email:
        message_queue(
            recipient=enrolment.officer,
            to_email=enrolment.officer.email,
            kind="place_offer_withdrawn",
            dedup_key=f"place_offer_withdrawn:{enrolment.pk}:{enrolment.offer_expires_at.isoformat()}",
            template="cohorts_place_offer_withdrawn",
            context={
                "enrolment": enrolment,
                "reason": reason,
                "link": absolute_url(reverse("cohorts:application_detail", kwargs={"pk": enrolment.pk})),
            },
        )


def offers_beyond_places_withdraw(*, cohort: Cohort, actor: User | None) -> list[Enrolment]:
    """After capacity or an organisation's places went down: keeps the oldest open offers that still
    fit beside the selected officers and withdraws the rest, emailing each officer. The caller holds
    the lock on the cohort row."""
    now = timezone.now()
    offers = list(
        cohort.enrolments.select_for_update(of=("self",))
        .filter(status=Enrolment.Status.WAITLISTED, offer_expires_at__gt=now)
        .select_related("officer", "organisation")
        .order_by("offer_expires_at", "pk")
    )
    free = cohort.capacity - cohort.enrolments.filter(status=Enrolment.Status.SELECTED).count()
    caps = dict(cohort.organisation_places.values_list("organisation_id", "places"))
    free_here = {
        organisation_id: places
        - cohort.enrolments.filter(status=Enrolment.Status.SELECTED, organisation_id=organisation_id).count()
        for organisation_id, places in caps.items()
    }
    withdrawn = []
    for offer in offers:
        if free > 0 and free_here.get(offer.organisation_id, 1) > 0:
            free -= 1
            if offer.organisation_id in free_here:
                free_here[offer.organisation_id] -= 1
            continue
        if free <= 0:
            reason = f"{cohort.name} now has {cohort.capacity} places and they are all taken"
        else:
            reason = f"{offer.organisation} now has {caps[offer.organisation_id]} places on {cohort.name}, all taken"
        _offer_withdraw(enrolment=offer, reason=reason, actor=actor, email=True)
        withdrawn.append(offer)
    return withdrawn


def offer_accept(*, enrolment: Enrolment, officer: User) -> Enrolment:
    """The officer takes the place they were offered, if one is still free. When it is not (the
    cohort filled up or its capacity went down), their offer ends there, so the page stops offering
    it, and the refusal says so."""
    accepted, refusal = _offer_take(enrolment=enrolment, officer=officer)
    if refusal:
        raise CohortError(refusal)
    return accepted


@transaction.atomic
def _offer_take(*, enrolment: Enrolment, officer: User) -> tuple[Enrolment, str]:
    """Returns the enrolment and "" when the place is taken, or a refusal after closing the offer
    (committed, unlike a raised error, which would roll that back)."""
    cohort = Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",)).select_related("officer", "organisation").get(pk=enrolment.pk)
    )
    if enrolment.officer_id != officer.pk:
        raise CohortError("This offer is not yours")
    if not enrolment.has_open_offer:
        raise CohortError("This offer has expired or has already been answered")
    try:
        _places_check(cohort=cohort, enrolment=enrolment, count_offers=False)
    except CohortError as full:
        _offer_withdraw(enrolment=enrolment, reason=str(full), actor=officer, email=False)
        return enrolment, f"{full}. Your offer has ended and you are still on the waitlist."
    enrolment.waitlist_position = None
    enrolment.offer_expires_at = None
    enrolment.save(update_fields=["waitlist_position", "offer_expires_at"])
    accepted = enrolment_set_status(
        enrolment=enrolment, status=Enrolment.Status.SELECTED, actor=officer, note="Accepted the offered place"
    )
    return accepted, ""
