"""Garbage-collection tuning for LIA's long-running processes (`lia serve`, `lia worker`)."""

from __future__ import annotations

import gc

__all__ = ["settle_heap"]

YOUNG_THRESHOLD = 10_000
"""Container allocations between young collections (CPython's default is 700)."""


def settle_heap() -> None:
    """Freeze what startup built and make collections rarer, once the process is ready.

    Everything built at startup (routes, schemas, settings, the runtime, the CSV CRM) lives
    as long as the process: frozen, full collections stop walking it again. A larger
    young-generation threshold makes collections rarer in code that allocates in bursts.
    Measured: on `lia serve`'s ingest benchmark, full-collection pauses of 120-210 ms were
    the p99; in the worker, a full collection of ~110 ms fell into one SLA-monitor tick in
    five, and young collections cost each tick of 1,000 crossings ~10 ms more (loaded
    machine; docs/performance.md).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 20, 20)
