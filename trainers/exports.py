"""The impact figures as CSV, one row per London authority, written by the one CSV writer
(`common.csvfile`: formula cells neutralised, BOM, CRLF)."""

from common.csvfile import csv_text

from . import impact


def impact_csv(period: impact.Period = impact.ALL_TIME) -> str:
    """One row per London authority (all 34, zero rows included), columns `impact.EXPORT_COLUMNS`."""
    columns = impact.EXPORT_COLUMNS
    return csv_text(columns, ([row[name] for name in columns] for row in impact.export_rows(period=period)))
