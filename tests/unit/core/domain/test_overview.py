"""The overview's heatmap: slots folded into local weekday x hour, and the look-back window."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.overview import MAX_WEEKS, fold_arrivals, slot_start, window
from lia_core.errors import ValidationError
from lia_core.ports.overview import SLOT

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
MONDAY_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def fold(arrivals: dict[datetime, int], tz: ZoneInfo) -> tuple[tuple[int, ...], ...]:
    """The cells of *arrivals* folded in *tz* over a window that holds them."""
    return fold_arrivals(arrivals, tz, since=MONDAY_NOON, until=MONDAY_NOON).cells


def test_a_slot_lands_in_its_local_weekday_and_hour() -> None:
    """Monday 12:00 UTC is Monday 09:00 in São Paulo; Monday 02:00 UTC is Sunday 23:00 there."""
    cells = fold({MONDAY_NOON: 3, MONDAY_NOON - timedelta(hours=10): 2}, SAO_PAULO)
    assert cells[0][9] == 3
    assert cells[6][23] == 2
    assert sum(map(sum, cells)) == 5


def test_a_half_hour_offset_splits_a_utc_hour() -> None:
    """In Kolkata (+05:30) 12:15 UTC is 17:45 and 12:30 UTC is 18:00: quarter-hour slots keep
    them apart where hourly UTC buckets could not."""
    kolkata = ZoneInfo("Asia/Kolkata")
    cells = fold({MONDAY_NOON + SLOT: 1, MONDAY_NOON + 2 * SLOT: 4}, kolkata)
    assert (cells[0][17], cells[0][18]) == (1, 4)


def test_daylight_saving_is_read_per_slot() -> None:
    """New York: 12:00 UTC is 07:00 in December (EST) and 08:00 in July (EDT)."""
    new_york = ZoneInfo("America/New_York")
    july = datetime(2026, 7, 6, 12, 0, tzinfo=UTC)  # a Monday
    cells = fold({MONDAY_NOON: 1, july: 1}, new_york)
    assert (cells[0][7], cells[0][8]) == (1, 1)


instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


@given(st.lists(instants, max_size=40))
def test_folding_slots_counts_as_reading_each_instant_locally(created: list[datetime]) -> None:
    """Counting per slot then folding equals placing every creation time in its local hour."""
    per_slot = Counter(slot_start(at) for at in created)
    oracle = Counter(
        (at.astimezone(SAO_PAULO).weekday(), at.astimezone(SAO_PAULO).hour) for at in created
    )
    cells = fold(dict(per_slot), SAO_PAULO)
    assert {(d, h): n for d, row in enumerate(cells) for h, n in enumerate(row) if n} == dict(
        oracle
    )


def test_window_and_its_bounds() -> None:
    """N whole weeks ending with the slot of now (now itself counts); 0 or more than a year
    is refused, naming the field."""
    end = MONDAY_NOON + SLOT
    assert window(MONDAY_NOON, 4) == (end - timedelta(days=28), end)
    assert window(MONDAY_NOON + SLOT - timedelta(microseconds=1), 1)[1] == end
    for weeks in (0, MAX_WEEKS + 1):
        with pytest.raises(ValidationError) as refused:
            window(MONDAY_NOON, weeks)
        assert refused.value.field == "weeks"
        assert str(refused.value) == f"weeks must be between 1 and {MAX_WEEKS}, not {weeks}"
    assert window(MONDAY_NOON, MAX_WEEKS) == (end - timedelta(weeks=MAX_WEEKS), end)


def test_total_and_peak() -> None:
    """The total adds every cell; the peak is the largest (0 when empty)."""
    heatmap = fold_arrivals(
        {MONDAY_NOON: 3, MONDAY_NOON + SLOT: 2}, UTC, since=MONDAY_NOON, until=MONDAY_NOON
    )
    assert (heatmap.total, heatmap.peak) == (5, 5)
    empty = fold_arrivals({}, UTC, since=MONDAY_NOON, until=MONDAY_NOON)
    assert (empty.total, empty.peak) == (0, 0)
