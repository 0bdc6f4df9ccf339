"""How cohort facts are put into words, so views and templates show no stored codes or sums."""

from .services import CohortUpdate


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def cohort_update_summary(update: CohortUpdate) -> str:
    """The success banner after staff save a cohort's settings: what else changed because of it."""
    parts = ["The cohort’s settings have been saved."]
    if update.sessions_moved:
        parts.append(
            f"{_plural(update.sessions_moved, 'session has', 'sessions have')} moved to follow the new "
            "bank holiday and Christmas settings."
        )
    if update.offers_withdrawn:
        names = ", ".join(enrolment.officer.full_name for enrolment in update.offers_withdrawn)
        parts.append(
            f"{_plural(len(update.offers_withdrawn), 'open offer was', 'open offers were')} withdrawn "
            f"because no place is left for them, and we have emailed {names}."
        )
    return " ".join(parts)
