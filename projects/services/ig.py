"""Information governance with four eyes.

The project's officers record each check's evidence; a claim ("approved", "not needed") counts only
once someone other than the project's officers confirms it: programme staff from the project page or
their queue, or the named approver through a signed link emailed to them (no account needed, one
decision, expires after IG_LINK_MAX_AGE). Every change writes an `IGCheckEvent`. When a check stops
counting (reopened, rejected, its confirmed evidence changed, moved back to "in progress"), a done
data-access milestone is sent back with the reason, and the officers and lead mentor are emailed.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Role, has_role
from audit.actions import Action
from audit.log import record
from common.site import absolute_url
from notifications.registry import register_kind
from notifications.services import message_queue

from ..models import IGCheck, IGCheckEvent, Milestone, Project
from .projects import can_edit_project

IG_LINK_SALT = "projects.ig-confirmation"
IG_LINK_MAX_AGE = timedelta(days=14)

# Both are essential: the approver has no account to switch mail off, and a reopened check stops
# the project's data access.
IG_REQUEST_KIND = register_kind("ig_confirmation_request", "Requests to confirm an information-governance check")
IG_REOPENED_KIND = register_kind("ig_check_reopened", "An information-governance check stopped counting")

# The evidence an officer records, in the order the history shows it.
EVIDENCE = (
    "status",
    "decided_on",
    "approver_name",
    "approver_role",
    "approver_email",
    "reference",
    "document_url",
    "reason",
    "note",
)
C = IGCheck.Confirmation


class IGLinkInvalid(Exception):
    """The approver's link cannot be used: `expired`, `tampered`, `gone`, `replaced` or `used`."""


@dataclass(frozen=True)
class ApproverLink:
    check: IGCheck
    revision: int


def is_project_officer(user: User, project: Project) -> bool:
    return project.officers.filter(pk=user.pk).exists()


def can_confirm(user: User, check: IGCheck) -> bool:
    """Four eyes: programme staff who are neither on the project nor the person who recorded the evidence."""
    return (
        has_role(user, Role.STAFF) and not is_project_officer(user, check.project) and check.recorded_by_id != user.pk
    )


def _label(user: User) -> str:
    return f"{user.full_name} ({user.email})"


def _approver_label(check: IGCheck) -> str:
    return f"{check.approver_name}, {check.approver_role} ({check.approver_email}), by emailed link"


def _event(
    *, check: IGCheck, action: str, before: tuple[str, str], actor: User | None, actor_label: str = "", **fields
) -> IGCheckEvent:
    """The one way IG history is written: a change nobody can be named for is refused."""
    if actor is None and not actor_label:
        raise ValueError("every IG change is attributed to a person")
    return IGCheckEvent.objects.create(
        ig_check=check,
        action=action,
        actor=actor,
        actor_label=actor_label or _label(actor),
        from_status=before[0],
        to_status=check.status,
        from_confirmation=before[1],
        to_confirmation=check.confirmation,
        **fields,
    )


def ig_link_token(check: IGCheck) -> str:
    """A link for this check's current evidence only: new evidence makes older links stop working."""
    return signing.TimestampSigner(salt=IG_LINK_SALT).sign_object({"c": check.pk, "r": check.revision})


def ig_link_open(token: str) -> ApproverLink:
    try:
        data = signing.TimestampSigner(salt=IG_LINK_SALT).unsign_object(token, max_age=IG_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise IGLinkInvalid("expired") from exc
    except (signing.BadSignature, ValueError) as exc:
        raise IGLinkInvalid("tampered") from exc
    check = IGCheck.objects.select_related("project__cohort").filter(pk=data.get("c")).first()
    if check is None:
        raise IGLinkInvalid("gone")
    return ApproverLink(check=check, revision=data.get("r"))


def _link_state(link: ApproverLink, check: IGCheck) -> None:
    if check.revision != link.revision:
        raise IGLinkInvalid("replaced")
    if check.confirmation != C.WAITING:
        raise IGLinkInvalid("used")


def ig_link_check(token: str) -> IGCheck:
    """The check an approver's link is for, if the link can still be used; IGLinkInvalid otherwise."""
    link = ig_link_open(token)
    _link_state(link, link.check)
    return link.check


def _validate(*, check: IGCheck, values: dict) -> None:
    status = values["status"]
    errors: dict[str, str] = {}
    if status == IGCheck.Status.APPROVED:
        for name, message in (
            ("decided_on", "Enter the date it was approved"),
            ("approver_name", "Enter the name of the person who approved it"),
            ("approver_role", "Enter the approver’s role in their organisation, like Data Protection Officer"),
            ("approver_email", "Enter the approver’s email address"),
        ):
            if not values[name]:
                errors[name] = message
        if not values["reference"] and not values["document_url"]:
            errors["reference"] = "Enter a reference or a link to the approved document"
    if status == IGCheck.Status.NOT_NEEDED:
        if not values["reason"].strip():
            errors["reason"] = "Enter why it is not needed"
        if check.kind == IGCheck.Kind.DPIA and check.project.datasets.filter(holds_personal_data=True).exists():
            errors["status"] = "A DPIA is needed while any of the project’s datasets holds personal data"
    if values["decided_on"] and values["decided_on"] > timezone.localdate():
        errors["decided_on"] = "The approval date must be today or in the past"
    email = values["approver_email"]
    if email and check.project.officers.filter(email__iexact=email).exists():
        errors["approver_email"] = "The approver must be someone other than the project’s officers"
    if errors:
        raise ValidationError(errors)


def _loses_ground(*, before: tuple[str, str], check: IGCheck) -> bool:
    """A check stops counting (or a claim is withdrawn or refused): done data-access work must reopen."""
    was_confirmed = before[1] == C.CONFIRMED and check.confirmation != C.CONFIRMED
    withdrawn = before[0] in IGCheck.CLAIMED and check.status not in IGCheck.CLAIMED
    return was_confirmed or withdrawn or check.confirmation == C.REJECTED


def _data_access_reopen(*, check: IGCheck, event: IGCheckEvent, actor: User | None, why: str) -> None:
    """Sends back a done or signed-off data-access milestone, and tells the officers and lead mentor."""
    project = check.project
    note = f"Reopened because the {check.get_kind_display()} {why}"
    if event.note:
        note += f": {event.note}"
    now = timezone.now()
    reopened = list(
        Milestone.objects.select_for_update().filter(
            project=project,
            needs_ig_approval=True,
            state__in=[Milestone.State.DONE, Milestone.State.SIGNED_OFF],
        )
    )
    for milestone in reopened:
        milestone.state = Milestone.State.SENT_BACK
        milestone.reviewed_by = actor
        milestone.reviewed_at = now
        milestone.review_note = note
        milestone.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    readers = {user.pk: user for user in project.officers.all()}
    if project.lead_mentor is not None:
        readers[project.lead_mentor.pk] = project.lead_mentor
    link = absolute_url(reverse("projects:project_detail", kwargs={"pk": project.pk}))
    for reader in sorted(readers.values(), key=lambda user: user.pk):
        message_queue(
            recipient=reader,
            to_email=reader.email,
            kind=IG_REOPENED_KIND.name,
            dedup_key=f"ig_reopened:{event.pk}:{reader.pk}",
            template="projects_ig_reopened",
            context={
                "reader": reader,
                "project": project,
                "check": check,
                "why": why,
                "event": event,
                "milestones": reopened,
                "link": link,
            },
        )


def _request_confirmation(*, check: IGCheck, actor: User) -> None:
    link = absolute_url(reverse("projects:ig_approver_decision", kwargs={"token": ig_link_token(check)}))
    message_queue(
        to_email=check.approver_email,
        kind=IG_REQUEST_KIND.name,
        dedup_key=f"ig_request:{check.pk}:{check.revision}",
        template="projects_ig_confirmation_request",
        context={"check": check, "project": check.project, "link": link, "days": IG_LINK_MAX_AGE.days},
    )
    _event(
        check=check,
        action=IGCheckEvent.Action.REQUESTED,
        before=(check.status, check.confirmation),
        actor=actor,
        note=f"A link to confirm or reject was emailed to {check.approver_email}",
    )


@transaction.atomic
def ig_check_update(
    *,
    check: IGCheck,
    actor: User,
    status: str,
    decided_on: date | None,
    note: str = "",
    approver_name: str = "",
    approver_role: str = "",
    approver_email: str = "",
    reference: str = "",
    document_url: str = "",
    reason: str = "",
) -> IGCheck:
    """An officer on the project (or staff) records a check's evidence. A claim waits for confirmation;
    changed evidence loses any earlier confirmation and emails the named approver a fresh link."""
    if not can_edit_project(actor, check.project):
        raise PermissionDenied
    check = IGCheck.objects.select_for_update(of=("self",)).select_related("project__lead_mentor").get(pk=check.pk)
    values = {
        "status": status,
        "decided_on": decided_on,
        "approver_name": approver_name.strip(),
        "approver_role": approver_role.strip(),
        "approver_email": approver_email.strip().lower(),
        "reference": reference.strip(),
        "document_url": document_url.strip(),
        "reason": reason.strip() if status == IGCheck.Status.NOT_NEEDED else "",
        "note": note.strip(),
    }
    _validate(check=check, values=values)
    changes = {
        name: [_plain(getattr(check, name)), _plain(value)]
        for name, value in values.items()
        if getattr(check, name) != value
    }
    if not changes:
        return check  # saving the same evidence again neither resets nor repeats a confirmation
    before = (check.status, check.confirmation)
    for name, value in values.items():
        setattr(check, name, value)
    check.confirmation = C.WAITING if status in IGCheck.CLAIMED else C.NONE
    check.recorded_by = actor
    check.recorded_at = timezone.now()
    check.reviewed_by, check.reviewed_by_label, check.reviewed_at, check.review_note = None, "", None, ""
    check.revision += 1
    check.full_clean()
    check.save()
    event = _event(check=check, action=IGCheckEvent.Action.RECORDED, before=before, actor=actor, changes=changes)
    record(
        Action.IG_CHECK_UPDATED,
        actor=actor,
        obj=check,
        before={name: pair[0] for name, pair in changes.items()} | {"confirmation": before[1]},
        after={name: pair[1] for name, pair in changes.items()} | {"confirmation": check.confirmation},
    )
    if _loses_ground(before=before, check=check):
        why = "was changed and needs confirming again" if check.is_waiting else "is no longer approved"
        _data_access_reopen(check=check, event=event, actor=actor, why=why)
    if check.is_waiting and check.approver_email:
        _request_confirmation(check=check, actor=actor)
    return check


def _plain(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


def _decide(
    *, check: IGCheck, confirm: bool, note: str, actor: User | None, actor_label: str, link: ApproverLink | None
) -> IGCheck:
    check = IGCheck.objects.select_for_update(of=("self",)).select_related("project__lead_mentor").get(pk=check.pk)
    if link is not None:
        try:
            _link_state(link, check)
        except IGLinkInvalid as exc:
            raise ValidationError(
                "A decision has already been recorded for this check"
                if str(exc) == "used"
                else "This check has changed since the link was sent"
            ) from exc
    elif check.confirmation != C.WAITING:
        raise ValidationError("Only a check waiting for confirmation can be confirmed or rejected")
    if not confirm and not note.strip():
        raise ValidationError({"review_note": "Enter why it is rejected"})
    before = (check.status, check.confirmation)
    check.confirmation = C.CONFIRMED if confirm else C.REJECTED
    check.reviewed_by = actor
    check.reviewed_by_label = actor_label or _label(actor)
    check.reviewed_at = timezone.now()
    check.review_note = note.strip()
    check.save()
    action = IGCheckEvent.Action.CONFIRMED if confirm else IGCheckEvent.Action.REJECTED
    event = _event(
        check=check, action=action, before=before, actor=actor, actor_label=actor_label, note=check.review_note
    )
    record(
        Action.IG_CHECK_DECIDED,
        actor=actor,
        actor_label=actor_label,
        obj=check,
        before={"confirmation": before[1]},
        after={"confirmation": check.confirmation},
        note=check.review_note,
    )
    if _loses_ground(before=before, check=check):
        _data_access_reopen(check=check, event=event, actor=actor, why="was rejected")
    return check


@transaction.atomic
def ig_check_confirm(*, check: IGCheck, actor: User, confirm: bool, note: str = "") -> IGCheck:
    """Programme staff confirm or reject a waiting claim; never one they are an officer on or recorded."""
    if not can_confirm(actor, check):
        raise PermissionDenied
    return _decide(check=check, confirm=confirm, note=note, actor=actor, actor_label="", link=None)


@transaction.atomic
def ig_check_approver_decide(*, token: str, confirm: bool, note: str = "") -> IGCheck:
    """The named approver's one decision, through the signed link emailed to them."""
    link = ig_link_open(token)
    return _decide(
        check=link.check,
        confirm=confirm,
        note=note,
        actor=None,
        actor_label=_approver_label(link.check),
        link=link,
    )


@transaction.atomic
def ig_check_reopen(*, check: IGCheck, actor: User, reason: str) -> IGCheck:
    """Programme staff reopen a confirmed (or rejected) check: it goes back to "in progress"."""
    if not has_role(actor, Role.STAFF):
        raise PermissionDenied
    check = IGCheck.objects.select_for_update(of=("self",)).select_related("project__lead_mentor").get(pk=check.pk)
    if check.confirmation not in (C.CONFIRMED, C.REJECTED):
        raise ValidationError("Only a confirmed or rejected check can be reopened")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the check is being reopened"})
    before = (check.status, check.confirmation)
    check.status = IGCheck.Status.IN_PROGRESS
    check.confirmation = C.NONE
    check.reviewed_by, check.reviewed_by_label, check.reviewed_at, check.review_note = None, "", None, ""
    check.revision += 1
    check.save()
    event = _event(
        check=check,
        action=IGCheckEvent.Action.REOPENED,
        before=before,
        actor=actor,
        changes={"status": [before[0], check.status]},
        note=reason.strip(),
    )
    record(
        Action.IG_CHECK_REOPENED,
        actor=actor,
        obj=check,
        before={"status": before[0], "confirmation": before[1]},
        after={"status": check.status, "confirmation": check.confirmation},
        reason=reason.strip(),
    )
    _data_access_reopen(check=check, event=event, actor=actor, why="was reopened")
    return check
