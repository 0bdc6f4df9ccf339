"""The one way to hand over a download of personal data: the file goes out and the audit log says who
took what. `personal_data_csv_response` wraps common.csvfile.csv_response (which stays free of the
audit log, as common sits below it)."""

from django.http import HttpResponse

from common.csvfile import csv_response

from .actions import Action
from .log import record


def personal_data_csv_response(
    request, text: str, *, filename: str, what: str, obj=None, rows: int | None = None
) -> HttpResponse:
    """A CSV download of personal data (names, emails, marks, logs), recorded in the audit log."""
    if rows is None:
        rows = max(text.count("\r\n") - 1, 0)
    record(Action.PERSONAL_DATA_DOWNLOADED, request=request, obj=obj, file=filename, what=what, rows=rows)
    return csv_response(text, filename=filename)
