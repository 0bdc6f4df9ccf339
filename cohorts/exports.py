"""CSV exports. Files start with a byte order mark (utf-8-sig) so Excel reads names with accents."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone

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


def csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{round(rate * 100)}%"


def roster_csv(cohort: Cohort) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_HEADER)
    for row in selectors.attendance_by_officer(cohort):
        enrolment = row.enrolment
        writer.writerow(
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
    return out.getvalue()


def attendance_csv(cohort: Cohort) -> str:
    """One row per officer, one column per held session, with the mark (blank if no register)."""
    sessions = selectors.held_sessions(cohort)
    marks = {
        (row.enrolment_id, row.session_id): row.get_mark_display()
        for row in Attendance.objects.filter(session__cohort=cohort)
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["email", "full_name", "organisation"]
        + [f"week {s.week_number} ({timezone.localtime(s.starts_at).date():%Y-%m-%d})" for s in sessions]
        + ["attendance_rate", "at_risk"]
    )
    for row in selectors.attendance_by_officer(cohort):
        enrolment = row.enrolment
        writer.writerow(
            [enrolment.officer.email, enrolment.officer.full_name, enrolment.organisation.name]
            + [marks.get((enrolment.pk, s.pk), "") for s in sessions]
            + [_percent(row.rate), "yes" if row.at_risk else "no"]
        )
    return out.getvalue()
