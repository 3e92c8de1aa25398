"""Packing realtime events into NOTIFY payloads: within the limit, in order, exactly recoverable."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_adapters.memory.realtime import InProcessEventBus
from lia_adapters.sql.realtime import PgEventListener, pack
from lia_core.domain.realtime import MAX_WIRE_BYTES, RealtimeEvent, RealtimeKind, to_wire

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

# Wire forms are JSON objects: no raw newline, any other text (multi-byte included).
wires = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\n"),
    min_size=1,
    max_size=3_000,
)


@given(st.lists(wires, max_size=40))
def test_packed_payloads_fit_and_split_back_to_the_events_in_order(batch: list[str]) -> None:
    payloads = pack(batch)
    assert all(len(p.encode()) <= MAX_WIRE_BYTES for p in payloads)
    assert [line for p in payloads for line in p.split("\n")] == batch
    # Greedy: no two neighbouring payloads would have fitted in one.
    for first, second in itertools.pairwise(payloads):
        assert len(first.encode()) + 1 + len(second.split("\n")[0].encode()) > MAX_WIRE_BYTES


def test_one_event_alone_is_its_own_payload() -> None:
    wire = to_wire(RealtimeEvent(kind=RealtimeKind.TICKET_UPDATED, at=T0, ticket_id="t-1"))
    assert pack([wire]) == [wire]
    assert pack([]) == []


def test_an_event_over_the_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="exceeds NOTIFY's limit"):
        pack(["x" * (MAX_WIRE_BYTES + 1)])


def test_the_listener_delivers_every_event_of_a_payload_and_skips_a_foreign_line() -> None:
    """A packed payload reaches the bus as its events, in order; a line that is not an event
    (someone else's NOTIFY on the channel) is logged and left out, the others still arrive."""
    bus = InProcessEventBus()
    heard: list[RealtimeEvent] = []
    bus.subscribe(heard.append)
    listener = PgEventListener("postgresql://unused", bus)
    events = [
        RealtimeEvent(kind=RealtimeKind.SLA_ALERT, at=T0 + timedelta(seconds=n), ticket_id=f"t-{n}")
        for n in range(300)
    ]
    payloads = pack([to_wire(e) for e in events])
    assert len(payloads) > 1
    listener._receive(payloads[0] + "\nnot an event")
    for payload in payloads[1:]:
        listener._receive(payload)
    assert heard == events
