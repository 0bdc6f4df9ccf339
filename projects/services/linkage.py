"""Linkage runs: what a run matched, and how well, measured from counts with four eyes.

An officer on the project records the run and what they measured (the clerical review sample and,
where there is one, the truth set). Counts that cannot all be true are refused. The run's quality
counts as measured once someone other than the project's officers and other than the person who
recorded it (the project's lead mentor or programme staff) confirms the counts, as information
governance does (`ig.py`); who and when is kept on the run. Precision, recall and F1 are never typed:
`projects/quality.py` works them out from the counts.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Role, has_role

from ..models import LinkageRun, Project
from ..quality import impossible_counts
from .ig import is_project_officer

Q = LinkageRun.Quality


@transaction.atomic
def linkage_run_create(
    *,
    project: Project,
    recorded_by: User,
    run_on: date,
    records_left: int,
    records_right: int,
    candidate_pairs: int,
    matches_accepted: int,
    sample_size: int,
    sample_true_matches: int,
    truth_set_size: int | None = None,
    truth_set_found: int | None = None,
    note: str = "",
) -> LinkageRun:
    """An officer on the project records a run's counts; they wait for confirmation."""
    if not is_project_officer(recorded_by, project):
        raise PermissionDenied
    errors = impossible_counts(
        records_left=records_left,
        records_right=records_right,
        candidate_pairs=candidate_pairs,
        matches_accepted=matches_accepted,
        sample_size=sample_size,
        sample_true_matches=sample_true_matches,
        truth_set_size=truth_set_size,
        truth_set_found=truth_set_found,
    )
    if run_on > timezone.localdate():
        errors["run_on"] = "The date of the run must be today or in the past"
    if errors:
        raise ValidationError(errors)
    run = LinkageRun(
        project=project,
        recorded_by=recorded_by,
        run_on=run_on,
        records_left=records_left,
        records_right=records_right,
        candidate_pairs=candidate_pairs,
        matches_accepted=matches_accepted,
        sample_size=sample_size,
        sample_true_matches=sample_true_matches,
        truth_set_size=truth_set_size,
        truth_set_found=truth_set_found,
        quality=Q.WAITING,
        note=note.strip(),
    )
    run.full_clean()
    run.save()
    return run


def can_review_run(user: User, run: LinkageRun, *, on_project: bool | None = None) -> bool:
    """Four eyes: the project's lead mentor or programme staff, never an officer on the project or the
    person who recorded the run. `on_project` (whether the user is an officer on it), when the caller
    knows it already, saves a query per run on a page of many runs."""
    project = run.project
    reviewer = has_role(user, Role.STAFF) or (project.lead_mentor_id == user.pk and has_role(user, Role.MENTOR))
    if not reviewer or run.recorded_by_id == user.pk:
        return False
    return not (is_project_officer(user, project) if on_project is None else on_project)


@transaction.atomic
def linkage_run_review(*, run: LinkageRun, actor: User, confirm: bool, note: str = "") -> LinkageRun:
    """Confirms (or rejects, with a reason) the counts of a run waiting for confirmation."""
    run = LinkageRun.objects.select_for_update(of=("self",)).select_related("project").get(pk=run.pk)
    if not can_review_run(actor, run):
        raise PermissionDenied
    if run.quality != Q.WAITING:
        raise ValidationError("Only a run waiting for confirmation can be confirmed or rejected")
    if not confirm and not note.strip():
        raise ValidationError({"review_note": "Enter why the counts are rejected"})
    run.quality = Q.CONFIRMED if confirm else Q.REJECTED
    run.reviewed_by = actor
    run.reviewed_by_label = f"{actor.full_name} ({actor.email})"
    run.reviewed_at = timezone.now()
    run.review_note = note.strip()
    run.save(update_fields=["quality", "reviewed_by", "reviewed_by_label", "reviewed_at", "review_note"])
    return run
