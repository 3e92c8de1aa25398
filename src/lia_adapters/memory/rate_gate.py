"""InMemoryRateGate: the rate-gate fake, one slot book per key on this process's monotonic clock."""

from __future__ import annotations

from lia_core.services.send_slots import ProcessRateGate

__all__ = ["InMemoryRateGate"]


class InMemoryRateGate(ProcessRateGate):
    """The `RateGate` fake: the per-process gate itself (shared only by who holds this object)."""
