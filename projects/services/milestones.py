"""Milestones: an officer marks one done, a mentor or staff signs it off or sends it back."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Role, has_role
from audit.actions import Action
from audit.log import record

from ..models import (
    IGCheck,
    Milestone,
    Project,
)


def missing_ig_approvals(project: Project) -> list[IGCheck]:
    """Every check must be confirmed by someone other than the project's officers (four eyes)."""
    return [check for check in project.ig_checks.all() if not check.is_settled]


def _refuse_unconfirmed_ig(milestone: Milestone) -> None:
    if not milestone.needs_ig_approval:
        return
    # Locks the checks, so a check being reopened at the same moment waits and then sends this back.
    checks = IGCheck.objects.select_for_update().filter(project_id=milestone.project_id).order_by("kind")
    missing = [check for check in checks if not check.is_settled]
    if missing:
        names = ", ".join(check.get_kind_display() for check in missing)
        raise ValidationError(f"This milestone cannot be completed until these checks are confirmed: {names}")


@transaction.atomic
def milestone_mark_done(*, milestone: Milestone, officer: User, note: str = "", evidence_url: str = "") -> Milestone:
    """An officer on the project says a milestone is done. The "data access approved" kind of milestone
    stays closed until every IG check is confirmed by someone other than the project's officers."""
    project = milestone.project
    if not project.officers.filter(pk=officer.pk).exists():
        raise PermissionDenied
    if milestone.state == Milestone.State.SIGNED_OFF:
        raise ValidationError("This milestone has already been signed off")
    if not note.strip() and not evidence_url.strip():
        raise ValidationError({"note": "Enter a note or an evidence link"})
    _refuse_unconfirmed_ig(milestone)
    milestone.state = Milestone.State.DONE
    milestone.note = note
    milestone.evidence_url = evidence_url
    milestone.done_by = officer
    milestone.done_at = timezone.now()
    milestone.full_clean()
    previous = Milestone.objects.filter(pk=milestone.pk).values_list("state", flat=True).first()
    milestone.save()
    record(
        Action.MILESTONE_DONE,
        actor=officer,
        obj=milestone,
        before={"state": previous},
        after={"state": milestone.state},
    )
    return milestone


@transaction.atomic
def milestone_review(*, milestone: Milestone, reviewer: User, sign_off: bool, review_note: str = "") -> Milestone:
    """The lead mentor or staff sign off a done milestone or send it back with a reason."""
    if not (has_role(reviewer, Role.STAFF) or milestone.project.lead_mentor_id == reviewer.pk):
        raise PermissionDenied
    if milestone.state != Milestone.State.DONE:
        raise ValidationError("Only a milestone marked as done can be signed off or sent back")
    if not sign_off and not review_note.strip():
        raise ValidationError({"review_note": "Enter what needs to change"})
    if sign_off:
        _refuse_unconfirmed_ig(milestone)
    milestone.state = Milestone.State.SIGNED_OFF if sign_off else Milestone.State.SENT_BACK
    milestone.reviewed_by = reviewer
    milestone.reviewed_at = timezone.now()
    milestone.review_note = review_note
    milestone.save()
    record(
        Action.MILESTONE_REVIEWED,
        actor=reviewer,
        obj=milestone,
        before={"state": Milestone.State.DONE},
        after={"state": milestone.state},
    )
    return milestone
