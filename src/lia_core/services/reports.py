"""KPI reports (docs/reports.md): `lia report NAME`, `GET /api/v1/reports/{name}`, the console.

`Reports.parse` reads a request as people type it (names, dates, groupings) into a checked
`ReportQuery`; `Reports.run` answers it from the stored rows in one read-only unit of work.
"""

from __future__ import annotations

from datetime import tzinfo

import attrs

from lia_core.ports import Clock, UnitOfWorkFactory
from lia_core.reports import (
    Report,
    ReportQuery,
    parse_group_by,
    parse_range,
    parse_report_name,
    spec_of,
)

__all__ = ["Reports", "RunReport"]


@attrs.frozen(kw_only=True)
class RunReport:
    """A report as asked for: its name, ``from`` / ``to`` as typed, a grouping name."""

    name: str
    start: str | None = None
    """``from``: ``YYYY-MM-DD`` (that day's start) or an ISO 8601 instant; blank: 30 days before to."""
    end: str | None = None
    """``to``: ``YYYY-MM-DD`` (that day's end, inclusive) or an ISO 8601 instant; blank: today's end."""
    group_by: str | None = None
    business_hours: bool = False


@attrs.frozen
class Reports:
    """Parses report requests and runs them (any staff surface; read-only)."""

    uow: UnitOfWorkFactory
    clock: Clock
    tz: tzinfo
    """The ISP's timezone: dates and periods are its calendar's."""

    def parse(self, request: RunReport) -> ReportQuery:
        """The checked query; NotFound for an unknown report, ValidationError naming the field."""
        name = parse_report_name(request.name)
        start, end = parse_range(request.start, request.end, self.tz, now=self.clock.now())
        return ReportQuery(
            name=name,
            start=start,
            end=end,
            group_by=parse_group_by(request.group_by),
            business_hours=request.business_hours,
            zone=self.tz,
        )

    async def run(self, query: ReportQuery | RunReport) -> Report:
        """The report's columns and rows, read now."""
        checked = query if isinstance(query, ReportQuery) else self.parse(query)
        now = self.clock.now()
        async with self.uow() as uow:
            rows = await uow.reports.rows(checked, now=now)
        columns = spec_of(checked.name).columns_for(checked.group_by)
        return Report(query=checked, columns=columns, rows=tuple(rows), generated_at=now)
