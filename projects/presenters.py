"""How information-governance checks, their history and linkage quality are shown, so templates never
show a stored code."""

from dataclasses import dataclass
from datetime import date

from common.formatting import format_date

from .models import IGCheck, IGCheckEvent, LinkageRun, Milestone
from .quality import Estimate

C = IGCheck.Confirmation
FIELD_LABELS = {
    "status": "Status",
    "decided_on": "Approval date",
    "approver_name": "Approver",
    "approver_role": "Approver’s role",
    "approver_email": "Approver’s email",
    "reference": "Reference",
    "document_url": "Document link",
    "reason": "Why not needed",
    "note": "Note",
}
STATUS_LABELS = dict(IGCheck.Status.choices)
CONFIRMATION_LABELS = dict(IGCheck.Confirmation.choices)


@dataclass(frozen=True)
class Tag:
    text: str
    colour: str  # a GOV.UK tag modifier: green, grey, yellow, blue, red


def ig_tag(check: IGCheck) -> Tag:
    if check.status == IGCheck.Status.NOT_STARTED:
        return Tag("Not started", "grey")
    if check.status == IGCheck.Status.IN_PROGRESS:
        return Tag("In progress", "yellow")
    claim = check.get_status_display()
    if check.confirmation == C.CONFIRMED:
        return Tag(f"{claim}, confirmed", "green")
    if check.confirmation == C.REJECTED:
        return Tag(f"{claim}, rejected", "red")
    return Tag(f"{claim}, waiting for confirmation", "blue")


def _value(field: str, value: str) -> str:
    if not value:
        return "blank"
    if field == "status":
        return STATUS_LABELS.get(value, value)
    if field == "decided_on":
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def ig_event_changes(event: IGCheckEvent) -> list[str]:
    """Each change as people read it: "Status: In progress to Approved"."""
    lines = [
        f"{FIELD_LABELS.get(field, field)}: {_value(field, old)} to {_value(field, new)}"
        for field, (old, new) in event.changes.items()
        if field in FIELD_LABELS
    ]
    if event.from_confirmation != event.to_confirmation:
        old = CONFIRMATION_LABELS.get(event.from_confirmation, event.from_confirmation or "blank")
        lines.append(f"Confirmation: {old} to {CONFIRMATION_LABELS.get(event.to_confirmation, event.to_confirmation)}")
    return lines


@dataclass
class IGSection:
    """The project page's information-governance section for one viewer."""

    checks: list[IGCheck]
    events: list[IGCheckEvent]
    data_access: list[Milestone]

    @property
    def all_confirmed(self) -> bool:
        return all(check.is_settled for check in self.checks)

    @property
    def reopened(self) -> list[Milestone]:
        """Data-access work sent back while a check does not count: the page says why."""
        if self.all_confirmed:
            return []
        return [m for m in self.data_access if m.state == Milestone.State.SENT_BACK and m.review_note]

    @property
    def done_before_confirmation(self) -> list[Milestone]:
        """Marked done before four-eyes confirmation existed (or through the admin): flagged, not hidden."""
        if self.all_confirmed:
            return []
        return [m for m in self.data_access if m.state in (Milestone.State.DONE, Milestone.State.SIGNED_OFF)]


def ig_section(
    *, checks: list[IGCheck], events: list[IGCheckEvent], milestones: list[Milestone], can_confirm, staff: bool
) -> IGSection:
    for check in checks:
        check.tag = ig_tag(check)
        check.viewer_can_confirm = check.is_waiting and can_confirm(check)
        check.viewer_can_reopen = staff and check.confirmation in (C.CONFIRMED, C.REJECTED)
    kinds = {check.pk: check.get_kind_display() for check in checks}
    for event in events:
        event.kind_label = kinds.get(event.ig_check_id, "")
        event.lines = ig_event_changes(event)
    return IGSection(checks=checks, events=events, data_access=[m for m in milestones if m.needs_ig_approval])


# --- linkage quality -------------------------------------------------------------------------------

RUN_TAGS = {
    LinkageRun.Quality.SELF_REPORTED: Tag("Self-reported, not measured", "grey"),
    LinkageRun.Quality.WAITING: Tag("Measured, waiting for confirmation", "blue"),
    LinkageRun.Quality.CONFIRMED: Tag("Measured, confirmed", "green"),
    LinkageRun.Quality.REJECTED: Tag("Counts rejected", "red"),
}


def share(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


@dataclass
class RunQuality:
    """One run's quality as a reader sees it: measured figures with intervals, or "not measured", and a
    self-reported run's typed figures labelled as such."""

    run: LinkageRun
    precision: Estimate | None
    recall: Estimate | None
    f1: Estimate | None
    tag: Tag
    viewer_can_review: bool = False

    @property
    def self_reported(self) -> bool:
        return self.run.quality == LinkageRun.Quality.SELF_REPORTED

    @property
    def confirmed(self) -> bool:
        return self.run.quality == LinkageRun.Quality.CONFIRMED


def run_quality(run: LinkageRun, *, can_review=None) -> RunQuality:
    """Rejected counts are shown as counts, but their figures are not: nobody vouches for them."""
    measured = run.quality in (LinkageRun.Quality.WAITING, LinkageRun.Quality.CONFIRMED)
    return RunQuality(
        run=run,
        precision=run.precision if measured else None,
        recall=run.recall if measured else None,
        f1=run.f1 if measured else None,
        tag=RUN_TAGS[run.quality],
        viewer_can_review=bool(run.is_waiting and can_review and can_review(run)),
    )
