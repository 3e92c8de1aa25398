"""SqlReportQueries: a report's statement run in the unit of work's connection, values typed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import TextClause, bindparam, text

from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.column_types import UtcDateTime
from lia_adapters.sql.reports.dialect import render
from lia_adapters.sql.reports.queries import REPORT_SQL
from lia_core.reports import ReportQuery, Value, spec_of
from lia_core.reports.values import sort_rows, today_start, typed

__all__ = ["SqlReportQueries", "report_statement"]

_INSTANTS = ("start", "end", "today")


def _offset(query: ReportQuery) -> str:
    """SQLite's shift to the ISP's calendar: the zone's UTC offset at the range's start."""
    shift = query.start.astimezone(query.zone).utcoffset() or timedelta()
    return f"{int(shift.total_seconds() // 60):+d} minutes"


class SqlReportQueries:
    """The reports over the SQL tables (SQLite and PostgreSQL)."""

    def __init__(self, connection: ConnectionSource) -> None:
        """Run in the unit of work's connection."""
        self._connection = connection

    async def rows(self, query: ReportQuery, *, now: datetime) -> Sequence[tuple[Value, ...]]:
        """The report's rows (see `ReportQueries.rows`)."""
        conn = self._connection()
        statement, params = report_statement(query, now=now, dialect=conn.dialect.name)
        result = await conn.execute(statement, params)
        units = [c.unit for c in spec_of(query.name).columns_for(query.group_by)]
        grouped = "{key}" in REPORT_SQL[query.name].template_for(query.business_hours)
        rows = []
        for raw in result.all():
            cells = tuple(raw)[1:] if grouped and query.group_by is None else tuple(raw)
            rows.append(tuple(typed(_plain(v), u) for v, u in zip(cells, units, strict=True)))
        return sort_rows(rows)


def report_statement(
    query: ReportQuery, *, now: datetime, dialect: str
) -> tuple[TextClause, dict[str, object]]:
    """The statement *dialect* runs for *query* and its parameters (also what EXPLAIN reads)."""
    spec = REPORT_SQL[query.name]
    sql = render(
        spec.template_for(query.business_hours), spec.keys, query.group_by, dialect=dialect
    )
    statement = text(sql).bindparams(
        *(bindparam(n, type_=UtcDateTime()) for n in _INSTANTS if f":{n}" in sql)
    )
    params: dict[str, object] = {"start": query.start, "end": query.end}
    if ":today" in sql:
        params["today"] = today_start(now, query.zone)
    if ":zone" in sql:
        params["zone"] = getattr(query.zone, "key", "UTC")
    if ":offset" in sql:
        params["offset"] = _offset(query)
    return statement, params


def _plain(value: object) -> Value:
    """A driver's value as a plain Python one (PostgreSQL's numerics are Decimals)."""
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)
