"""A report's public shapes: the JSON of `GET /api/v1/reports/{name}` and `lia report --json`,
and the one CSV writer both `Accept: text/csv` and `lia report --csv` use."""

from __future__ import annotations

import csv
import io
from datetime import datetime, tzinfo

from lia_core.reports import Report, Value, spec_of
from lia_entrypoints.schemas.base import Out

__all__ = ["ReportColumnOut", "ReportOut", "report_csv"]


class ReportColumnOut(Out):
    """One column: its name (the key in `records`), its pt-BR label, its unit."""

    name: str
    label: str
    unit: str
    """text, period (2026-11-30 or 2026-11), count, seconds, percent (0-100) or score."""


class ReportOut(Out):
    """A report's answer: what was asked, the ordered columns, the rows in column order."""

    name: str
    title: str
    start: datetime
    """The range's first instant (``from``), in the ISP's timezone."""
    end: datetime
    """The instant after the range (``to`` is inclusive of its day: the next day's start)."""
    group_by: str | None
    business_hours: bool
    generated_at: datetime
    columns: list[ReportColumnOut]
    rows: list[list[Value]]
    """Each row's values in the order of `columns`; null: nothing measured."""

    @classmethod
    def of(cls, report: Report, tz: tzinfo) -> ReportOut:
        """The public shape of *report*, times in *tz*."""
        query = report.query
        return cls(
            name=query.name.value,
            title=spec_of(query.name).title,
            start=query.start.astimezone(tz),
            end=query.end.astimezone(tz),
            group_by=query.group_by.value if query.group_by is not None else None,
            business_hours=query.business_hours,
            generated_at=report.generated_at.astimezone(tz),
            columns=[
                ReportColumnOut(name=c.name, label=c.label, unit=c.unit.value)
                for c in report.columns
            ],
            rows=[list(row) for row in report.rows],
        )


def _cell(value: Value) -> str:
    return "" if value is None else str(value)


def report_csv(report: Report) -> str:
    """*report* as CSV (RFC 4180: CRLF lines): a header of column names, then the rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in report.columns])
    writer.writerows([_cell(v) for v in row] for row in report.rows)
    return out.getvalue()
