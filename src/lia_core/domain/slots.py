"""Send slots, pure: a provider's rate cap as a book of slots (shared by every worker), a lease of them.

The book is the token bucket of `pacing.TokenBucket` written as a theoretical arrival time
(GCRA): one number per provider key, so a database row can hold it and one atomic statement
can take *n* slots at once. Times are plain float seconds on whichever clock the caller keeps.
"""

from __future__ import annotations

import math

import attrs

__all__ = ["SlotBook", "SlotGrant", "SlotLease", "grant_slots"]

_EPSILON = 1e-9
"""Float slack when counting whole slots (a 10.0 computed as 9.9999999 is still 10)."""


@attrs.frozen(kw_only=True)
class SlotGrant:
    """Slots a gate granted: `granted` of them, the first `first_in` s after its now, then one per `interval`."""

    granted: int
    first_in: float
    """Seconds from the gate's now to the first slot; zero or negative: usable at once."""
    interval: float
    """Seconds between two slots (1 / rate)."""

    def slot_in(self, index: int) -> float:
        """Seconds from the gate's now until slot *index* (from 0) may be used, never negative."""
        return max(0.0, self.first_in + index * self.interval)


def grant_slots(
    tat: float | None, now: float, *, count: int, rate: float, burst: float, max_wait: float
) -> tuple[float, SlotGrant]:
    """Take up to *count* slots at *rate* per second with *burst* saved up; return the new state.

    *tat* is the time the next slot would be due with nothing saved up (None: a new, full
    book). Only slots usable within *max_wait* seconds are granted, so a caller never books
    further ahead than it would wait. Granted slots over any run of takes never exceed
    ``burst + rate * elapsed``.
    """
    interval = 1.0 / rate
    full = now - burst * interval  # saving stops at `burst` slots
    base = full if tat is None else max(tat, full)
    room = (now + max_wait - base) * rate
    granted = max(0, min(count, math.floor(room + _EPSILON)))
    grant = SlotGrant(granted=granted, first_in=base + interval - now, interval=interval)
    return base + granted * interval, grant


@attrs.define
class SlotBook:
    """The slot books of one process, per key (the per-process gate and the fake's state)."""

    _tats: dict[str, float] = attrs.field(factory=dict, alias="_tats")

    def take(
        self, key: str, now: float, *, count: int, rate: float, burst: float, max_wait: float
    ) -> SlotGrant:
        """Take up to *count* slots of *key*'s book (see `grant_slots`)."""
        tat, grant = grant_slots(
            self._tats.get(key), now, count=count, rate=rate, burst=burst, max_wait=max_wait
        )
        self._tats[key] = tat
        return grant


@attrs.define
class SlotLease:
    """Slots a process leased from its gate, spent one per send in order, dropped once stale.

    A slot not used within *stale_after* seconds of its time (or of the lease, for slots
    saved up before it) is dropped, not spent late: a worker that leased more than it sent
    cannot add a burst on top of the others' later.
    """

    stale_after: float = 0.5
    _next: float = attrs.field(default=0.0, alias="_next")
    _interval: float = attrs.field(default=0.0, alias="_interval")
    _left: int = attrs.field(default=0, alias="_left")
    _filled: float = attrs.field(default=0.0, alias="_filled")

    def fill(self, grant: SlotGrant, *, now: float) -> None:
        """Replace what is left with *grant*, received at *now* (the local clock)."""
        self._next = now + grant.first_in
        self._interval = grant.interval
        self._left = grant.granted
        self._filled = now

    def empty(self, now: float) -> bool:
        """Whether no usable slot is left (stale ones are dropped first)."""
        cutoff = now - self.stale_after
        if self._left and self._next < cutoff and self._filled < cutoff:
            behind = math.ceil((cutoff - self._next) / self._interval - _EPSILON)
            dropped = min(self._left, max(1, behind))
            self._left -= dropped
            self._next += dropped * self._interval
        return self._left == 0

    def spend(self, now: float, *, max_wait: float) -> float | None:
        """Use the next slot and return when (``now`` or later); None, keeping it, past *max_wait*."""
        if self.empty(now) or self._next - now > max_wait:
            return None
        at = max(now, self._next)
        self._next += self._interval
        self._left -= 1
        return at

    def free_at(self) -> float:
        """When the next slot is (or the one after the last leased, when none is left)."""
        return self._next
