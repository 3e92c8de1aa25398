"""Report ranges as people type them: days of the ISP's calendar, instants, defaults, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from lia_core.errors import ValidationError
from lia_core.reports import GroupBy, parse_bound, parse_group_by, parse_range
from lia_core.reports.values import period_of

SP = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 1 December, 23:00 in São Paulo


def test_dates_are_whole_days_of_the_isp_calendar() -> None:
    """from = the day's 00:00 there (03:00 UTC); to = the next day's 00:00 (inclusive day)."""
    start, end = parse_range("2026-11-01", "2026-11-30", SP, now=NOW)
    assert start == datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def test_instants_keep_their_offset_or_take_the_zone() -> None:
    """An instant with an offset is that instant; one without is read in the ISP's zone."""
    assert parse_bound("2026-11-01T10:00:00+00:00", SP, field="from", end=False) == datetime(
        2026, 11, 1, 10, 0, tzinfo=UTC
    )
    assert parse_bound("2026-11-01T10:00", SP, field="to", end=True) == datetime(
        2026, 11, 1, 13, 0, tzinfo=UTC
    )


def test_defaults_are_the_30_days_ending_today_there() -> None:
    """Without bounds: to = the end of today in São Paulo (still 1 December), from 30 days before."""
    start, end = parse_range(None, "", SP, now=NOW)
    assert end == datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    assert start == datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("2026-02-30", None, "from"), (None, "ontem", "to"), ("2026-11-02", "2026-11-01", "from")],
)
def test_refusals_name_the_field(start: str | None, end: str | None, field: str) -> None:
    """A bad bound names itself; a reversed range names ``from``."""
    with pytest.raises(ValidationError) as caught:
        parse_range(start, end, SP, now=NOW)
    assert caught.value.field == field


def test_groupings_and_periods() -> None:
    """Grouping names parse (blank: none); an instant's week is its Monday there, its month YYYY-MM."""
    assert parse_group_by(" Week ") is GroupBy.WEEK
    assert parse_group_by("") is None
    with pytest.raises(ValidationError, match="day, week"):
        parse_group_by("year")
    sunday_night = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Sunday the 15th, 23:00 there
    assert period_of(sunday_night, GroupBy.WEEK, SP) == "2026-11-09"
    assert period_of(sunday_night, GroupBy.DAY, SP) == "2026-11-15"
    assert period_of(sunday_night, GroupBy.MONTH, SP) == "2026-11"
