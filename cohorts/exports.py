"""CSV exports, written by the one CSV writer (`common.csvfile`: formula cells neutralised, BOM, CRLF)."""

from django.utils import timezone

from common.csvfile import csv_text

from . import selectors
from .models import Attendance, Cohort

ROSTER_HEADER = [
    "email",
    "full_name",
    "organisation",
    "gss_code",
    "job_title",
    "stream",
    "status",
    "attendance_rate",
]


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{round(rate * 100)}%"


def roster_csv(cohort: Cohort) -> str:
    rows = []
    for row in selectors.attendance_by_officer(cohort):
        enrolment = row.enrolment
        rows.append(
            [
                enrolment.officer.email,
                enrolment.officer.full_name,
                enrolment.organisation.name,
                enrolment.organisation.gss_code or "",
                enrolment.job_title,
                enrolment.stream.name if enrolment.stream else "",
                enrolment.status,
                _percent(row.rate),
            ]
        )
    return csv_text(ROSTER_HEADER, rows)


def attendance_csv(cohort: Cohort) -> str:
    """One row per officer, one column per held session, with the mark (blank if no register)."""
    sessions = selectors.held_sessions(cohort)
    marks = {
        (row.enrolment_id, row.session_id): row.get_mark_display()
        for row in Attendance.objects.filter(session__cohort=cohort)
    }
    header = (
        ["email", "full_name", "organisation"]
        + [f"week {s.week_number} ({timezone.localtime(s.starts_at).date():%Y-%m-%d})" for s in sessions]
        + ["attendance_rate", "at_risk"]
    )
    rows = [
        [row.enrolment.officer.email, row.enrolment.officer.full_name, row.enrolment.organisation.name]
        + [marks.get((row.enrolment.pk, s.pk), "") for s in sessions]
        + [_percent(row.rate), "yes" if row.at_risk else "no"]
        for row in selectors.attendance_by_officer(cohort)
    ]
    return csv_text(header, rows)
