"""Acknowledgements first: the inline gate stands back while group-commit rounds are crowded."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import cast

import attrs
import pytest

from lia_adapters.memory import FixedClock
from lia_core.domain.conversations import PendingInbound
from lia_core.domain.inbound import InboundMessage, StatusUpdate
from lia_core.services.ingest import IngestReport
from lia_core.services.isolation import IsolatingGate
from lia_core.services.recovery import ProcessStaleInboundHandler
from lia_entrypoints.inbound.group_commit import GroupCommit
from lia_entrypoints.inbound.metrics import InboundMetrics
from lia_entrypoints.inbound.pipeline import GateQueue, InboundRuntime
from lia_entrypoints.inbound.priority import AckFirst

from .texts import text


@attrs.define
class Ticking:
    """A monotonic clock that moves only when the code under test sleeps."""

    now: float = 100.0
    slept: list[float] = attrs.field(factory=list)

    def monotonic(self) -> float:
        """The current reading."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance the clock instead of waiting."""
        self.slept.append(seconds)
        self.now += seconds


def ack_first(clock: Ticking, pressed_until: float, *, max_wait: float = 0.1) -> AckFirst:
    """An AckFirst whose webhooks press (a crowded round each moment) until *pressed_until*."""
    return AckFirst(
        lambda moment: moment <= pressed_until,
        max_wait=max_wait,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
    )


async def test_without_pressure_the_gate_never_waits() -> None:
    """No crowded round lately: the gate goes at once and reports no pressure."""
    clock = Ticking()
    assert await ack_first(clock, pressed_until=0.0).stand_back() is False
    assert clock.slept == []


async def test_the_gate_goes_once_the_pressure_has_passed() -> None:
    """Crowded rounds until 20 ms from now: the gate waits until they are `recent` old."""
    clock = Ticking()
    gate = ack_first(clock, pressed_until=clock.now + 0.02)
    assert await gate.stand_back() is False
    # Rounds count for `recent` (20 ms) after they began: ~40 ms in all, polled every 5 ms.
    assert gate.waited == pytest.approx(0.04, abs=gate.poll)
    assert set(clock.slept) == {gate.poll}


async def test_a_sustained_pressure_holds_the_gate_back_at_most_max_wait() -> None:
    """Crowded rounds without end: the gate waits `max_wait`, then says it is still pressed."""
    clock = Ticking()
    gate = ack_first(clock, pressed_until=float("inf"), max_wait=0.1)
    assert await gate.stand_back() is True
    assert gate.waited == pytest.approx(0.1, abs=gate.poll)


@attrs.define
class CountingIngest:
    """Stores nothing, reports every message new."""

    async def __call__(
        self, messages: Sequence[InboundMessage], receipts: Sequence[StatusUpdate] = ()
    ) -> IngestReport:
        """An empty report."""
        return IngestReport(new=(), duplicates=0, receipts_changed=0, settled_job_ids=())


@pytest.mark.parametrize(("requests", "pressed"), [(1, False), (3, False), (4, True), (9, True)])
async def test_a_round_of_four_requests_or_more_is_pressure(requests: int, pressed: bool) -> None:
    """Requests that share a round arrived faster than rounds are written."""
    clock = Ticking()
    group = GroupCommit(
        ingest=CountingIngest(), on_stored=lambda report: None, monotonic=clock.monotonic
    )
    group.start()
    try:
        await asyncio.gather(*(group.submit([text(n)]) for n in range(requests)))
    finally:
        await group.close()
    assert group.pressed_since(clock.now) is pressed
    assert group.pressed_since(clock.now + 0.001) is False


@attrs.define
class RecordingGate:
    """Records the size of every batch it is given."""

    sizes: list[int] = attrs.field(factory=list)

    async def __call__(self, batch: Sequence[PendingInbound]) -> None:
        """Record."""
        self.sizes.append(len(batch))


def gate_runtime(
    gate: object, waiting: GateQueue, *, batch_size: int, ack_first: AckFirst | None = None
) -> InboundRuntime:
    """The inbound runtime around a recording *gate* (no sweep: only its gate loops run)."""
    return InboundRuntime(
        group=GroupCommit(ingest=CountingIngest(), on_stored=lambda report: None),
        waiting=waiting,
        gate=cast(IsolatingGate, gate),
        sweep=cast(ProcessStaleInboundHandler, None),
        metrics=waiting.metrics,
        batch_size=batch_size,
        sweep_every=60,
        ack_first=ack_first,
    )


def pending(n: int) -> PendingInbound:
    """A stored message waiting for the gate."""
    return PendingInbound(id=f"m{n}", message=text(n), stored_at=FixedClock().now())


@pytest.mark.parametrize(("pressed", "sizes"), [(False, [30]), (True, [8, 8, 8, 6])])
async def test_while_pressed_the_gate_takes_small_batches(pressed: bool, sizes: list[int]) -> None:
    """30 messages waiting: one batch without pressure; batches of 8 while webhooks press."""
    gate = RecordingGate()
    waiting = GateQueue(InboundMetrics())
    ack_first = AckFirst(lambda moment: pressed, max_wait=0.001)
    runtime = gate_runtime(gate, waiting, batch_size=200, ack_first=ack_first)
    report = IngestReport(
        new=tuple(pending(n) for n in range(30)), duplicates=0, receipts_changed=0,
        settled_job_ids=(),
    )  # fmt: skip
    waiting.hand_over(report)
    loop = asyncio.create_task(runtime._gate_loop(waiting.queue))
    try:
        await asyncio.wait_for(runtime.drain(), 2)
    finally:
        loop.cancel()
    assert gate.sizes == sizes
    stood_back = waiting.metrics.registry.get_sample_value("lia_gate_stood_back_seconds_total")
    assert (stood_back or 0) > 0 if pressed else stood_back == 0


@attrs.define
class OrderGate:
    """Records every message it handles, in the order handled, and yields between batches."""

    seen: list[str] = attrs.field(factory=list)

    async def __call__(self, batch: Sequence[PendingInbound]) -> None:
        """Record, then give the other lane its turn."""
        self.seen.extend(p.id for p in batch)
        await asyncio.sleep(0)


def from_chat(n: int, chat: int) -> PendingInbound:
    """Message *n* of chat *chat*."""
    phone = f"552199999{chat:04d}"
    message = attrs.evolve(text(0), provider_message_id=f"wamid.{n}", reply_to=phone)
    return PendingInbound(id=f"m{n:03d}", message=message, stored_at=FixedClock().now())


async def test_two_lanes_keep_each_chat_in_one_lane_and_in_order() -> None:
    """40 messages of 10 chats, interleaved, over two lanes: each handled once, each chat's
    in the order stored, and both lanes busy."""
    waiting = GateQueue(InboundMetrics(), lanes=2)
    messages = [from_chat(n, chat=n % 10) for n in range(40)]
    lanes = {(m.message.channel, m.message.reply_to): waiting.lane_of(m) for m in messages}
    assert len({id(q) for q in lanes.values()}) == 2
    gate = OrderGate()
    runtime = gate_runtime(gate, waiting, batch_size=3)
    waiting.hand_over(
        IngestReport(new=tuple(messages), duplicates=0, receipts_changed=0, settled_job_ids=())
    )
    loops = [asyncio.create_task(runtime._gate_loop(queue)) for queue in waiting.queues]
    try:
        await asyncio.wait_for(runtime.drain(), 2)
    finally:
        for loop in loops:
            loop.cancel()
    assert sorted(gate.seen) == [m.id for m in messages]
    for chat in range(10):
        mine = [m.id for m in messages if m.message.reply_to.endswith(f"{chat:04d}")]
        assert [seen for seen in gate.seen if seen in mine] == mine
    assert gate.seen != [m.id for m in messages]  # the lanes interleaved


def test_a_gate_queue_needs_a_lane() -> None:
    """Zero lanes is refused (the setting's bounds say 1 to 16)."""
    with pytest.raises(ValueError, match="at least one lane"):
        GateQueue(InboundMetrics(), lanes=0)
