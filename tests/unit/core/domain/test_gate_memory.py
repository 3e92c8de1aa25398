"""The outage gate's memory survives storage: `from_dict` inverts `to_dict` through JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.conversations import Awaiting, GateMemory
from lia_core.domain.customers import CustomerAddress

_TEXT = st.none() | st.text(max_size=8)
ADDRESSES = st.builds(
    CustomerAddress,
    city=_TEXT,
    neighbourhood=_TEXT,
    cep=_TEXT,
    street=_TEXT,
    number=_TEXT,
    state=_TEXT,
    contract_id=_TEXT,
)
MEMORIES = st.builds(
    GateMemory,
    awaiting=st.none() | st.sampled_from(Awaiting),
    attempts=st.integers(0, 5),
    options=st.lists(ADDRESSES, max_size=3).map(tuple),
    outage_ids=st.lists(st.text(min_size=1, max_size=6), max_size=3).map(tuple),
    escaped=st.booleans(),
    reminded_at=st.none()
    | st.integers(0, 10**8).map(lambda s: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=s)),
)


@given(MEMORIES)
def test_a_stored_memory_reads_back_the_same(memory: GateMemory) -> None:
    """Every field comes back equal after a trip through the JSON column."""
    stored = json.loads(json.dumps(memory.to_dict()))
    assert GateMemory.from_dict(stored) == memory


@pytest.mark.parametrize("raw", [None, {}])
def test_nothing_stored_is_an_empty_memory(raw: dict[str, object] | None) -> None:
    """A conversation the gate never saw has the default memory."""
    assert GateMemory.from_dict(raw) == GateMemory()


@pytest.mark.parametrize("field", ["options", "outage_ids"])
def test_a_corrupt_list_is_refused(field: str) -> None:
    """options or outage_ids that are not lists: the stored row is corrupt, not silently empty."""
    with pytest.raises(ValueError, match="must be lists") as refused:
        GateMemory.from_dict({field: "f1"})
    assert str(refused.value) == (
        "stored gate memory is corrupt: options and outage_ids must be lists"
    )
