"""Send slots: leased from the gate in batches, and one cap shared by every dispatcher on the gate."""

from __future__ import annotations

import asyncio

import attrs

from lia_adapters.memory import InMemoryRateGate
from lia_core.domain.delivery import Channel, JobStatus, Lane
from lia_core.domain.slots import SlotGrant
from lia_core.services.dispatch import DeliveryPolicy, Dispatcher
from lia_core.services.send_slots import SendSlots

from .delivery_harness import build_harness


@attrs.define
class CountingGate:
    """A fake gate that records every take (how many round trips a database would see)."""

    inner: InMemoryRateGate
    takes: list[int] = attrs.field(factory=list)

    async def take(
        self, key: str, *, count: int, rate: float, burst: float, max_wait: float
    ) -> SlotGrant:
        """Record the count asked for, then take from the inner gate after a yield."""
        self.takes.append(count)
        await asyncio.sleep(0)  # a database round trip: other sends queue behind it
        return await self.inner.take(key, count=count, rate=rate, burst=burst, max_wait=max_wait)


async def test_waiting_sends_share_one_take() -> None:
    """Ten sends waiting at once cost one take of ten slots, not ten round trips."""
    now = 100.0
    gate = CountingGate(InMemoryRateGate(lambda: now))
    slots = SendSlots(gate=gate, monotonic=lambda: now, lease_span=0.1)
    booked = await asyncio.gather(
        *(
            slots.reserve("whatsapp:1", rate=1000, burst=100, max_wait=5, wanted=10 - n)
            for n in range(10)
        )
    )
    assert gate.takes == [10]
    assert booked == [now] * 10


async def test_a_take_leases_at_most_a_tenth_of_a_second_of_the_rate() -> None:
    """At 80 msg/s one take leases 8 slots however many sends wait."""
    now = 0.0
    gate = CountingGate(InMemoryRateGate(lambda: now))
    slots = SendSlots(gate=gate, monotonic=lambda: now, lease_span=0.1)
    await slots.reserve("whatsapp:1", rate=80, burst=8, max_wait=5, wanted=200)
    assert gate.takes == [8]


async def test_a_far_next_slot_refuses_without_asking_the_gate_again() -> None:
    """The slot after the last one leased is beyond max_wait: refused locally, no round trip."""
    now = 0.0
    gate = CountingGate(InMemoryRateGate(lambda: now))
    slots = SendSlots(gate=gate, monotonic=lambda: now, lease_span=0.1)
    assert await slots.reserve("k", rate=1, burst=1, max_wait=0.25) == 0.0
    assert await slots.reserve("k", rate=1, burst=1, max_wait=0.25) is None
    assert await slots.reserve("k", rate=1, burst=1, max_wait=0.25) is None
    assert gate.takes == [1]


async def test_two_dispatchers_on_one_gate_share_its_cap() -> None:
    """Two workers sharing a gate send the cap's burst between them, not one each."""
    policy = DeliveryPolicy(rates={Channel.WHATSAPP: 2.0}, pair_intervals={}, concurrency=4)
    h = build_harness(policy=policy)
    gate = InMemoryRateGate(h.mono)
    first = build_harness(policy=policy, rate_gate=gate)
    first.store, first.clock = h.store, h.clock
    second = build_harness(policy=policy, rate_gate=gate)
    for harness in (first, second):
        harness.dispatcher = Dispatcher(
            uow=h.store.unit_of_work,
            clock=h.clock,
            senders=h.senders,
            policy=policy,
            alerter=h.dispatcher.alerter,
            monotonic=h.mono,
            sleep=h.dispatcher.sleep,
            jitter=h.dispatcher.jitter,
            rate_gate=gate,
        )
    for n in range(4):
        await h.enqueue(f"55219999901{n:02d}", lane=Lane.BULK)
    # Bulk jobs book 0.25 s ahead at most: at 2 msg/s the burst of 1 is all there is now.
    await first.dispatcher.run_once(owner="w1")
    await second.dispatcher.run_once(owner="w2")
    assert len(h.senders[Channel.WHATSAPP].sent) == 1
    pending = [j for j in h.store.jobs.values() if j.status is JobStatus.PENDING]
    assert len(pending) == 3
