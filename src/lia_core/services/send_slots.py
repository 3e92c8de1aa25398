"""The dispatcher's send slots per provider key: leased from a `RateGate` in small batches, spent here.

With a gate shared through the database, a worker does not pay a round trip per message: it
takes the slots its waiting jobs need (at most `lease_span` seconds of the rate) and hands
them out locally; slots it cannot use soon are dropped, never spent late.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

import attrs

from lia_core.domain.slots import SlotBook, SlotGrant, SlotLease
from lia_core.ports.rate_gate import RateGate

__all__ = ["ProcessRateGate", "SendSlots"]


@attrs.define
class ProcessRateGate:
    """A `RateGate` of this process alone: each process keeps its own cap (and the port's fake)."""

    monotonic: Callable[[], float] = time.monotonic
    _book: SlotBook = attrs.field(factory=SlotBook, alias="_book")

    async def take(
        self, key: str, *, count: int, rate: float, burst: float, max_wait: float
    ) -> SlotGrant:
        """Take up to *count* slots of *key* from this process's book."""
        return self._book.take(
            key, self.monotonic(), count=count, rate=rate, burst=burst, max_wait=max_wait
        )


@attrs.define
class SendSlots:
    """Send slots per key from *gate*, leased *lease_span* seconds of the rate at most per take."""

    gate: RateGate
    monotonic: Callable[[], float]
    lease_span: float = 0.0
    """Seconds of the rate one take may lease (0: one slot per take, for a gate in this process)."""
    stale_after: float = 0.5
    """A leased slot not spent this long after its time is dropped."""
    _leases: dict[str, SlotLease] = attrs.field(factory=dict, alias="_leases")
    _locks: dict[str, asyncio.Lock] = attrs.field(factory=dict, alias="_locks")

    async def reserve(
        self, key: str, *, rate: float, burst: float, max_wait: float, wanted: int = 1
    ) -> float | None:
        """When the next send of *key* may go (this process's monotonic clock), or None.

        None means no slot within *max_wait*. *wanted* is how many sends are waiting for a
        slot right now (this one included): a take leases no more than that.
        """
        lease = self._leases.get(key)
        if lease is None:
            lease = self._leases[key] = SlotLease(stale_after=self.stale_after)
        now = self.monotonic()
        if not lease.empty(now):
            return lease.spend(now, max_wait=max_wait)
        if lease.free_at() - now > max_wait:
            return None  # the gate's next slot is at least this far: asking again cannot help
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:  # one take in flight per key; the tasks behind it spend what it brought
            now = self.monotonic()
            if lease.empty(now):
                count = max(1, min(wanted, math.ceil(rate * self.lease_span)))
                grant = await self.gate.take(
                    key, count=count, rate=rate, burst=burst, max_wait=max_wait
                )
                now = self.monotonic()
                lease.fill(grant, now=now)
            return lease.spend(now, max_wait=max_wait)

    def wait_time(self, key: str, now: float) -> float:
        """Seconds until *key*'s next slot as last seen (0 when unknown or free)."""
        lease = self._leases.get(key)
        return 0.0 if lease is None else max(0.0, lease.free_at() - now)
