"""The one CSV writer and reader. Every download and every export command writes through `csv_text`.

Safe by construction for spreadsheets (OWASP CSV injection guidance): a text cell that starts with
=, +, -, @, tab or carriage return would be run as a formula by Excel or LibreOffice, so it gets a
leading apostrophe. Files start with a UTF-8 byte order mark and end lines with CRLF, as Excel expects.

`csv_dict_reader` undoes exactly that apostrophe, so a file we exported imports with the values as
they were typed. The rule is lossless: a value that itself starts with an apostrophe before a
trigger character gets one more apostrophe on the way out, and loses one on the way in.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_apostrophe(text: str) -> bool:
    while text.startswith("'"):
        text = text[1:]
    return text.startswith(FORMULA_TRIGGERS)


def csv_cell(value) -> str:
    """One cell as text. Numbers are written as numbers (a negative number is not a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    return "'" + text if _needs_apostrophe(text) else text


def csv_value(cell: str) -> str:
    """The value as typed, from a cell `csv_cell` wrote (or a person typed)."""
    if cell.startswith("'") and _needs_apostrophe(cell[1:]):
        return cell[1:]
    return cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return out.getvalue()


def csv_response(text: str, *, filename: str) -> HttpResponse:
    """A download of `csv_text`'s output."""
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _ValueDictReader(csv.DictReader):
    def __next__(self) -> dict:
        row = super().__next__()
        return {key: csv_value(value) if isinstance(value, str) else value for key, value in row.items()}


def csv_dict_reader(content: bytes | str) -> csv.DictReader:
    """Rows of an uploaded CSV as dicts, byte order mark dropped, our formula apostrophes undone.
    Bytes must be UTF-8 (UnicodeDecodeError otherwise)."""
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.removeprefix(BOM)
    return _ValueDictReader(io.StringIO(text))
