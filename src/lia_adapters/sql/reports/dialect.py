"""Where the reports' SQL differs between SQLite and PostgreSQL: periods, epochs, JSON fields.

PostgreSQL buckets an instant in the ISP's zone (``AT TIME ZONE``, daylight saving included).
SQLite has no zones: it shifts by the zone's UTC offset at the range's start (``:offset``,
e.g. ``-180 minutes``), exact for zones without daylight saving such as America/Sao_Paulo
since 2019, and off by the DST hour near a change elsewhere (docs/reports.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lia_core.reports import GroupBy

__all__ = ["render"]

_PG_PERIOD: Mapping[GroupBy, str] = {
    GroupBy.DAY: "to_char({x} AT TIME ZONE :zone, 'YYYY-MM-DD')",
    GroupBy.WEEK: "to_char(date_trunc('week', {x} AT TIME ZONE :zone), 'YYYY-MM-DD')",
    GroupBy.MONTH: "to_char({x} AT TIME ZONE :zone, 'YYYY-MM')",
}
_SQLITE_PERIOD: Mapping[GroupBy, str] = {
    GroupBy.DAY: "strftime('%Y-%m-%d', {x}, :offset)",
    # 'weekday 0' moves forward to Sunday (or stays on one); six days back is its Monday.
    GroupBy.WEEK: "date({x}, :offset, 'weekday 0', '-6 days')",
    GroupBy.MONTH: "strftime('%Y-%m', {x}, :offset)",
}
_EPOCH = re.compile(r"\{epoch:([^{}]+)\}")
_JSON = re.compile(r"\{json:([\w.]+),(\w+)\}")


def _key(keys: Mapping[GroupBy, str], group_by: GroupBy | None, dialect: str) -> str:
    if group_by is None:
        return "'total'"
    column = keys[group_by]
    if not group_by.is_period:
        return column
    periods = _PG_PERIOD if dialect == "postgresql" else _SQLITE_PERIOD
    return periods[group_by].format(x=column)


def render(
    template: str, keys: Mapping[GroupBy, str], group_by: GroupBy | None, *, dialect: str
) -> str:
    """*template* as *dialect* runs it, grouped by *group_by*."""
    pg = dialect == "postgresql"
    sql = template.replace("{key}", _key(keys, group_by, dialect))
    sql = _EPOCH.sub(
        (lambda m: f"EXTRACT(EPOCH FROM {m[1]})")
        if pg
        else (lambda m: f"(julianday({m[1]}) * 86400.0)"),
        sql,
    )
    return _JSON.sub(
        (lambda m: f"({m[1]} ->> '{m[2]}')")
        if pg
        else (lambda m: f"json_extract({m[1]}, '$.{m[2]}')"),
        sql,
    )
