"""Linkage runs: what a run matched, and how well."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..models import (
    LinkageRun,
    Project,
)


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
    precision: Decimal,
    recall: Decimal,
    note: str = "",
) -> LinkageRun:
    if not project.officers.filter(pk=recorded_by.pk).exists():
        raise PermissionDenied
    errors = {}
    for name, value in (("precision", precision), ("recall", recall)):
        if not Decimal(0) <= value <= Decimal(1):
            errors[name] = f"{name.capitalize()} must be between 0 and 1"
    if sample_size > candidate_pairs:
        errors["sample_size"] = "The clerical review sample cannot be larger than the number of candidate pairs"
    if matches_accepted > candidate_pairs:
        errors["matches_accepted"] = "Matches accepted cannot be more than the number of candidate pairs"
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
        precision=precision,
        recall=recall,
        note=note,
    )
    run.full_clean()
    run.save()
    return run
