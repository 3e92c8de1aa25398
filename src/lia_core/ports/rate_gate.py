"""RateGate: a provider's rate cap shared by every process that sends through it."""

from __future__ import annotations

from typing import Protocol

from lia_core.domain.slots import SlotGrant

__all__ = ["RateGate"]


class RateGate(Protocol):
    """Books send slots per provider key (a WhatsApp phone number id, an SMS account…)."""

    async def take(
        self, key: str, *, count: int, rate: float, burst: float, max_wait: float
    ) -> SlotGrant:
        """Take up to *count* slots of *key* at *rate* per second, *burst* saved up at most.

        Only slots usable within *max_wait* seconds are granted (possibly none). Over every
        process sharing the gate, the slots granted for a key never exceed
        ``burst + rate * elapsed``; `SlotGrant.first_in` is measured from the gate's own
        clock at the take, so callers on machines whose clocks disagree still agree.

        Raises:
            DatabaseUnavailable: a gate kept in the database could not be reached.
        """
        ...
