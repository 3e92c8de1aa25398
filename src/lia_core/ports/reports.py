"""ReportQueries (uow.reports): every KPI report of docs/reports.md over the stored rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from lia_core.reports import ReportQuery, Value

__all__ = ["ReportQueries"]


class ReportQueries(Protocol):
    """Runs a report's one query (SQL: the text docs/reports.md prints) over the stored rows."""

    async def rows(self, query: ReportQuery, *, now: datetime) -> Sequence[tuple[Value, ...]]:
        """The report's rows in the catalogue's column order, sorted by every column.

        The grouping column comes first when ``query.group_by`` is set; *now* places
        "today" (the funnel's messages of today, in ``query.zone``). Counts are ints,
        durations and rates floats rounded to 2 decimals (None when nothing was measured).
        """
        ...
