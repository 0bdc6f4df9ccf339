"""Writes for lead-mentor allocations: one officer, or a whole cohort in one form. Re-exported by
`mentoring.services`, so callers import them from there."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from audit.actions import Action
from audit.log import record

from .models import MentorAllocation

# Where the allocations page finds the summary of the last save (set by a POST, shown once).
ALLOCATION_SUMMARY_KEY = "mentoring_allocation_changes"


@transaction.atomic
def allocation_set(*, officer: User, mentor: User | None, by: User) -> MentorAllocation | None:
    previous = MentorAllocation.objects.filter(officer=officer).values("mentor__email").first()
    record(
        Action.MENTOR_ALLOCATED,
        actor=by,
        obj=officer,
        before=previous or {"mentor__email": None},
        after={"mentor__email": mentor.email if mentor else None},
    )
    if mentor is None:
        MentorAllocation.objects.filter(officer=officer).delete()
        return None
    allocation, _ = MentorAllocation.objects.update_or_create(
        officer=officer, defaults={"mentor": mentor, "assigned_by": by}
    )
    return allocation


@dataclass(frozen=True)
class AllocationChange:
    officer: str
    before: str  # mentor's name, or "" for none
    after: str

    def __str__(self) -> str:
        return f"{self.officer}: {self.before or 'no lead mentor'} to {self.after or 'no lead mentor'}"


@transaction.atomic
def allocations_save(*, allocations: dict[int, int | None], by: User) -> list[AllocationChange]:
    """Sets each officer's lead mentor (officer id -> mentor id, or None for none) and returns what
    changed; officers whose mentor is unchanged are not touched. A fixed number of queries for
    reading, one write per change."""
    officers = {user.pk: user for user in User.objects.officers().filter(pk__in=allocations).select_for_update()}
    mentor_ids = {mentor_id for mentor_id in allocations.values() if mentor_id}
    mentors = {user.pk: user for user in User.objects.mentors().filter(pk__in=mentor_ids, is_active=True)}
    unknown = mentor_ids - set(mentors)
    if unknown or set(allocations) - set(officers):
        raise ValueError("every officer and mentor must exist, and every mentor must be an active mentor")
    current = {
        allocation.officer_id: allocation
        for allocation in MentorAllocation.objects.filter(officer_id__in=allocations).select_related("mentor")
    }
    changes = []
    for officer_id, mentor_id in sorted(allocations.items(), key=lambda item: officers[item[0]].full_name):
        existing = current.get(officer_id)
        if (existing.mentor_id if existing else None) == mentor_id:
            continue
        before = existing.mentor.full_name if existing else ""
        if mentor_id is None:
            existing.delete()
        elif existing:
            existing.mentor_id, existing.assigned_by = mentor_id, by
            existing.save(update_fields=["mentor", "assigned_by", "assigned_at"])
        else:
            MentorAllocation.objects.create(officer_id=officer_id, mentor_id=mentor_id, assigned_by=by)
        after = mentors[mentor_id] if mentor_id else None
        record(
            Action.MENTOR_ALLOCATED,
            actor=by,
            obj=officers[officer_id],
            before={"mentor__email": existing.mentor.email if existing else None},
            after={"mentor__email": after.email if after else None},
        )
        changes.append(AllocationChange(officers[officer_id].full_name, before, after.full_name if after else ""))
    return changes
