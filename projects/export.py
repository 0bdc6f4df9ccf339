"""The cohort progress export: one row per project. The staff page's CSV download and the
`export_progress` command write the same rows."""

from .selectors import ProjectSummary

PROGRESS_HEADER = [
    "project",
    "organisations",
    "officers",
    "lead_mentor",
    "status",
    "milestones_done",
    "milestones_total",
    "overdue_milestones",
    "last_log",
    "open_blockers",
    "ig_status",
]


def progress_rows(rows: list[ProjectSummary]) -> list[list]:
    return [
        [
            row.project.title,
            "; ".join(row.organisations),
            "; ".join(officer.full_name for officer in row.officers),
            row.project.lead_mentor.full_name if row.project.lead_mentor else "",
            row.status or "none",
            row.milestones_done,
            row.milestones_total,
            len(row.overdue),
            row.last_log.isoformat() if row.last_log else "",
            len(row.open_blockers),
            row.ig_label,
        ]
        for row in rows
    ]
