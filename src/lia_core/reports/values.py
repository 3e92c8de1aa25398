"""What every backend of the reports shares: typed cells, the row order, periods, "today"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta, tzinfo

from lia_core.reports.model import GroupBy, Unit, Value

__all__ = ["mean", "percent", "period_of", "sort_rows", "today_start", "typed"]


def typed(value: Value, unit: Unit) -> Value:
    """*value* as its column's unit holds it: counts int, measures float (2 decimals), text str."""
    if value is None:
        return None
    match unit:
        case Unit.COUNT:
            return int(value)
        case Unit.SECONDS | Unit.PERCENT | Unit.SCORE:
            return round(float(value), 2)
        case _:
            return str(value)


def _order(row: tuple[Value, ...]) -> tuple[tuple[bool, Value], ...]:
    return tuple((cell is None, cell if cell is not None else 0) for cell in row)


def sort_rows(rows: Iterable[tuple[Value, ...]]) -> list[tuple[Value, ...]]:
    """Rows sorted by every column in turn (None last), the same on every backend."""
    return sorted(rows, key=_order)


def today_start(now: datetime, zone: tzinfo) -> datetime:
    """The first instant of *now*'s day in *zone*."""
    return datetime.combine(now.astimezone(zone).date(), time(), tzinfo=zone)


def period_of(instant: datetime, group_by: GroupBy, zone: tzinfo) -> str:
    """The period of *instant* in *zone*: ``2026-11-30`` (a day, a week's Monday), ``2026-11``."""
    day = instant.astimezone(zone).date()
    match group_by:
        case GroupBy.WEEK:
            return (day - timedelta(days=day.weekday())).isoformat()
        case GroupBy.MONTH:
            return day.isoformat()[:7]
        case _:
            return day.isoformat()


def percent(part: int, whole: int) -> float | None:
    """``100 * part / whole`` (None when *whole* is 0)."""
    return 100.0 * part / whole if whole else None


def mean(values: Sequence[float]) -> float | None:
    """The average of *values* (None when empty)."""
    return sum(values) / len(values) if values else None
