"""A report's question (`ReportQuery`) and answer (`Report`): ordered columns, typed rows."""

from __future__ import annotations

import enum
from datetime import datetime, tzinfo

import attrs

from lia_core.errors import NotFound
from lia_core.validation import aware

__all__ = [
    "GroupBy",
    "Report",
    "ReportColumn",
    "ReportName",
    "ReportQuery",
    "Unit",
    "Value",
    "parse_report_name",
]

Value = int | float | str | None
"""One cell: a count, a duration or rate (float), a label or period, or None (no data)."""


class ReportName(enum.StrEnum):
    """Every report, by the name used in URLs (`/api/v1/reports/{name}`) and by `lia report`."""

    FRT = "frt"
    AHT = "aht"
    TTR = "ttr"
    SLA = "sla"
    TRANSFERS = "transfers"
    ESCALATIONS = "escalations"
    BACKLOG = "backlog"
    FUNNEL = "funnel"
    HANDOFFS = "handoffs"
    DEFLECTION = "deflection"
    NPS = "nps"
    OFFERS = "offers"


def parse_report_name(raw: str) -> ReportName:
    """The report called *raw*; NotFound (listing the names) when there is none."""
    try:
        return ReportName(raw.strip().lower())
    except ValueError:
        names = ", ".join(n.value for n in ReportName)
        raise NotFound(entity=f"report (one of {names})", entity_id=raw) from None


class GroupBy(enum.StrEnum):
    """How a report's rows are grouped: a period of the ISP's calendar, or who/where."""

    DAY = "day"
    WEEK = "week"
    """Weeks start on Monday."""
    MONTH = "month"
    AGENT = "agent"
    DEPARTMENT = "department"
    ASSISTANT = "assistant"

    @property
    def is_period(self) -> bool:
        """Whether the grouping is a calendar period (bucketed in the ISP's timezone)."""
        return self in (GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH)


class Unit(enum.StrEnum):
    """What a column's values measure (how a console formats them)."""

    TEXT = "text"
    PERIOD = "period"
    """A calendar period: ``2026-11-30`` (day, or the Monday of a week) or ``2026-11`` (month)."""
    COUNT = "count"
    SECONDS = "seconds"
    PERCENT = "percent"
    """0-100, None when the denominator is 0."""
    SCORE = "score"


@attrs.frozen(kw_only=True)
class ReportColumn:
    """One column of a report: its machine name, its label (pt-BR) and unit."""

    name: str
    label: str
    unit: Unit


@attrs.frozen(kw_only=True)
class ReportQuery:
    """Which report, over which half-open range ``[start, end)``, grouped how.

    Built through `lia_core.reports.catalog.spec_of(name).query(...)` or directly; the
    checks (aware instants, start before end, a grouping the report supports) hold either way.
    """

    name: ReportName
    start: datetime = attrs.field(validator=aware)
    end: datetime = attrs.field(validator=aware)
    group_by: GroupBy | None = None
    business_hours: bool = False
    zone: tzinfo
    """The ISP's timezone: periods are its calendar days, weeks and months."""

    def __attrs_post_init__(self) -> None:
        """Refuse an empty or reversed range and a grouping the report does not have."""
        from lia_core.reports.catalog import spec_of  # the catalogue is built on this module

        spec_of(self.name).check(self)


@attrs.frozen(kw_only=True)
class Report:
    """A report's answer: the query, the ordered columns, and rows of typed values."""

    query: ReportQuery
    columns: tuple[ReportColumn, ...]
    rows: tuple[tuple[Value, ...], ...]
    generated_at: datetime = attrs.field(validator=aware)

    def records(self) -> list[dict[str, Value]]:
        """The rows as mappings by column name (for JSON)."""
        names = [c.name for c in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]
