"""The impact figures as CSV, one row per London authority."""

import csv
import io

from . import impact


def impact_csv(period: impact.Period = impact.ALL_TIME) -> str:
    """One row per London authority (all 34, zero rows included), columns `impact.EXPORT_COLUMNS`."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=impact.EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(impact.export_rows(period=period))
    return buffer.getvalue()
