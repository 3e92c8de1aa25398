"""A per-phone cache in front of any `CustomerDirectory`: answers (None too) kept for a TTL.

Errors are never cached, so a CRM that comes back is used at once. Time comes from the
injected `Clock`; the cache is an LRU bounded to ``max_entries``.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from datetime import datetime, timedelta

from lia_adapters.memory.customers import lookup_key
from lia_core.domain.customers import Customer
from lia_core.ports import Clock, CustomerDirectory

__all__ = ["CachedCustomerDirectory"]


class CachedCustomerDirectory:
    """Caches `find_by_phone` per normalised phone: hits for ``ttl_seconds``, misses for less."""

    def __init__(
        self,
        inner: CustomerDirectory,
        clock: Clock,
        *,
        ttl_seconds: float = 300.0,
        negative_ttl_seconds: float = 60.0,
        max_entries: int = 10_000,
    ) -> None:
        if max_entries < 1 or ttl_seconds < 0 or negative_ttl_seconds < 0:
            raise ValueError("max_entries must be ≥ 1 and TTLs must be ≥ 0")
        self._inner = inner
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_seconds)
        self._negative_ttl = timedelta(seconds=negative_ttl_seconds)
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[datetime, Customer | None]] = OrderedDict()
        self._in_flight: dict[str, asyncio.Future[Customer | None]] = {}

    def __len__(self) -> int:
        """How many phones are cached (expired entries included until touched or evicted)."""
        return len(self._entries)

    async def find_by_phone(self, phone: str) -> Customer | None:
        """The cached answer for *phone* while fresh, else the inner directory's (then cached)."""
        key = lookup_key(phone) or phone.strip()
        now = self._clock.now()
        entry = self._entries.get(key)
        if entry is not None:
            expires_at, customer = entry
            if now < expires_at:
                self._entries.move_to_end(key)
                return customer
            del self._entries[key]
        pending = self._in_flight.get(key)
        if pending is None:
            # One CRM call per phone at a time: a redelivered webhook or a customer typing
            # three messages in a row shares the first lookup instead of tripling the load.
            pending = asyncio.ensure_future(self._inner.find_by_phone(phone))
            self._in_flight[key] = pending
            pending.add_done_callback(lambda _: self._in_flight.pop(key, None))
        customer = await asyncio.shield(pending)  # errors propagate to every waiter, uncached
        ttl = self._ttl if customer is not None else self._negative_ttl
        if ttl > timedelta(0):
            self._entries[key] = (now + ttl, customer)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return customer
