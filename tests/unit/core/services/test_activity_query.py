"""Reading the audit log: `since` as a duration ago or an instant, the limit, blank filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_adapters.memory import FixedClock, InMemoryStore
from lia_core.domain.activity import ActivityFilter
from lia_core.errors import ValidationError
from lia_core.services import ListActivity
from lia_core.services.activity import ListActivityHandler, parse_since

NOW = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)
BRT = ZoneInfo("America/Sao_Paulo")
_UNIT = {"m": timedelta(minutes=1), "min": timedelta(minutes=1), "h": timedelta(hours=1),
         "d": timedelta(days=1), "w": timedelta(weeks=1)}  # fmt: skip


@given(
    st.integers(0, 99_999),
    st.sampled_from(sorted(_UNIT)),
    st.sampled_from(["", " "]),
    st.booleans(),
)
def test_a_duration_is_that_long_before_now(amount: int, unit: str, gap: str, upper: bool) -> None:
    """``<n><unit>`` (any case, a space allowed) is n units before now, for every n the parser takes."""
    text = f"{amount}{gap}{unit.upper() if upper else unit}"
    assert parse_since(text, now=NOW, tz=BRT) == NOW - amount * _UNIT[unit]


@given(st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2999, 12, 30)))
def test_an_instant_without_offset_is_read_in_the_isp_timezone(moment: datetime) -> None:
    """ISO text round-trips: naive in the ISP's zone, with an offset as written."""
    assert parse_since(moment.isoformat(), now=NOW, tz=BRT) == moment.replace(tzinfo=BRT)
    aware = moment.replace(tzinfo=UTC)
    assert parse_since(aware.isoformat(), now=NOW, tz=BRT) == aware


def test_a_date_is_its_midnight_and_lower_case_t_z_are_read() -> None:
    """A bare date is midnight in the ISP's zone; ``t`` and ``z`` read as ``T`` and ``Z``."""
    assert parse_since("2026-05-20", now=NOW, tz=BRT) == datetime(2026, 5, 20, tzinfo=BRT)
    assert parse_since("2026-05-20t10:00z", now=NOW, tz=BRT) == datetime(
        2026, 5, 20, 10, tzinfo=UTC
    )


@pytest.mark.parametrize("text", ["ontem", "2x", "-2h", "123456w", "2026-02-30", "h"])
def test_anything_else_is_refused_naming_since(text: str) -> None:
    """Neither a duration nor an instant: ValidationError on ``since``."""
    with pytest.raises(ValidationError) as refused:
        parse_since(text, now=NOW, tz=BRT)
    assert refused.value.field == "since"


def handler() -> ListActivityHandler:
    """The query over an empty store, its clock at NOW."""
    return ListActivityHandler(InMemoryStore().unit_of_work, FixedClock(NOW), BRT)


def test_the_query_becomes_a_filter() -> None:
    """Blank filters are no filter; given ones are trimmed; since is resolved against the clock."""
    query = ListActivity(entity=" failure ", entity_id="", user="  ", since="2h")
    assert handler().filter_of(query) == ActivityFilter(
        entity="failure", since=NOW - timedelta(hours=2)
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (ListActivity(limit=0), "limit"),
        (ListActivity(limit=1001), "limit"),
        (ListActivity(user="ana\x00"), "user"),
        (ListActivity(entity="fail\nure"), "entity"),
        (ListActivity(since="amanhã"), "since"),
    ],
)
async def test_bad_queries_are_refused_naming_the_field(query: ListActivity, field: str) -> None:
    """An out-of-range limit, a control character or an unreadable since is a ValidationError."""
    with pytest.raises(ValidationError) as refused:
        await handler()(query)
    assert refused.value.field == field


async def test_limits_at_the_bounds_are_accepted() -> None:
    """1 and 1000 are valid limits (an empty log answers an empty list)."""
    assert await handler()(ListActivity(limit=1)) == []
    assert await handler()(ListActivity(limit=1000)) == []
