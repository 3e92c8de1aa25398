"""CachedCustomerDirectory: hits, misses, expiry, negative caching, no error caching, LRU bound."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lia_adapters.crm import CachedCustomerDirectory
from lia_adapters.memory import FixedClock, InMemoryCustomerDirectory
from lia_core.domain.customers import Customer
from lia_core.domain.recipients import Phone
from lia_core.ports import DirectoryUnavailable

MARIA = Customer(crm_id="1", phone="5521999998888", name="Maria")


def cached(
    inner: InMemoryCustomerDirectory, clock: FixedClock, **options: float
) -> CachedCustomerDirectory:
    """A cache over *inner* with a 300 s TTL and 60 s negative TTL unless told otherwise."""
    values = {"ttl_seconds": 300.0, "negative_ttl_seconds": 60.0} | options
    return CachedCustomerDirectory(
        inner,
        clock,
        ttl_seconds=values["ttl_seconds"],
        negative_ttl_seconds=values["negative_ttl_seconds"],
        max_entries=int(values.get("max_entries", 10_000)),
    )


async def test_second_lookup_is_a_hit_in_any_spelling() -> None:
    """A found customer is served from the cache, whichever way the phone is written."""
    inner, clock = InMemoryCustomerDirectory((MARIA,)), FixedClock()
    cache = cached(inner, clock)
    assert await cache.find_by_phone("+55 21 99999-8888") == MARIA
    assert await cache.find_by_phone("(21) 99999-8888") == MARIA
    assert inner.lookups == 1


async def test_hit_expires_after_ttl() -> None:
    """After the TTL the inner directory is asked again (and sees changes)."""
    inner, clock = InMemoryCustomerDirectory((MARIA,)), FixedClock()
    cache = cached(inner, clock)
    await cache.find_by_phone(MARIA.phone)
    clock.advance(seconds=299)
    await cache.find_by_phone(MARIA.phone)
    assert inner.lookups == 1
    clock.advance(seconds=1)
    await cache.find_by_phone(MARIA.phone)
    assert inner.lookups == 2


async def test_none_is_cached_for_the_negative_ttl() -> None:
    """An unknown phone is remembered for the (shorter) negative TTL, then asked again."""
    inner, clock = InMemoryCustomerDirectory(), FixedClock()
    cache = cached(inner, clock)
    assert await cache.find_by_phone(MARIA.phone) is None
    inner.add(MARIA)
    assert await cache.find_by_phone(MARIA.phone) is None
    assert inner.lookups == 1
    clock.advance(seconds=60)
    assert await cache.find_by_phone(MARIA.phone) == MARIA


async def test_zero_negative_ttl_disables_negative_caching() -> None:
    """With a zero negative TTL every miss asks the inner directory."""
    inner, clock = InMemoryCustomerDirectory(), FixedClock()
    cache = cached(inner, clock, negative_ttl_seconds=0)
    await cache.find_by_phone(MARIA.phone)
    await cache.find_by_phone(MARIA.phone)
    assert inner.lookups == 2
    assert len(cache) == 0


async def test_errors_are_never_cached() -> None:
    """A DirectoryUnavailable propagates and the next lookup asks the CRM again."""
    inner, clock = InMemoryCustomerDirectory((MARIA,)), FixedClock()
    cache = cached(inner, clock)
    inner.fail_next(DirectoryUnavailable("down"))
    with pytest.raises(DirectoryUnavailable):
        await cache.find_by_phone(MARIA.phone)
    assert await cache.find_by_phone(MARIA.phone) == MARIA
    assert inner.lookups == 2


async def test_least_recently_used_entry_is_evicted() -> None:
    """Past max_entries the least recently used phone is dropped first."""
    inner, clock = InMemoryCustomerDirectory(), FixedClock()
    cache = cached(inner, clock, max_entries=2)
    a, b, c = "+55 21 99999-0001", "+55 21 99999-0002", "+55 21 99999-0003"
    await cache.find_by_phone(a)
    await cache.find_by_phone(b)
    await cache.find_by_phone(a)  # a is now the most recent
    await cache.find_by_phone(c)  # evicts b
    assert len(cache) == 2
    await cache.find_by_phone(a)
    assert inner.lookups == 3
    await cache.find_by_phone(b)
    assert inner.lookups == 4


def test_bad_settings_are_refused() -> None:
    """A non-positive size or a negative TTL is a configuration error."""
    with pytest.raises(ValueError, match="max_entries"):
        cached(InMemoryCustomerDirectory(), FixedClock(), max_entries=0)


PHONES = ["+55 21 99999-0001", "+55 21 99999-0002", "+55 21 99999-0003"]
Step = tuple[str, int, bool]  # (phone, seconds to advance first, inner fails this time)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(PHONES), st.integers(0, 120), st.booleans()), max_size=30),
    st.sets(st.sampled_from(PHONES)),
)
def test_cache_agrees_with_a_dict_and_clock_oracle(steps: list[Step], known: set[str]) -> None:
    """Every answer and every inner lookup is what a dict of expiry times predicts."""
    customers = tuple(Customer(crm_id=p, phone=Phone.parse(p).digits, name=p) for p in known)
    inner, clock = InMemoryCustomerDirectory(customers), FixedClock()
    cache = cached(inner, clock, ttl_seconds=100, negative_ttl_seconds=30)
    expires: dict[str, float] = {}
    now, lookups = 0.0, 0

    async def run() -> None:
        nonlocal now, lookups
        for phone, advance, fails in steps:
            clock.advance(seconds=advance)
            now += advance
            fresh = phone in expires and now < expires[phone]
            if fresh:  # the inner directory must not be asked (lookups is checked below)
                found = await cache.find_by_phone(phone)
            else:
                lookups += 1
                if fails:
                    inner.fail_next(DirectoryUnavailable("down"))
                    with pytest.raises(DirectoryUnavailable):
                        await cache.find_by_phone(phone)
                    continue
                found = await cache.find_by_phone(phone)
                expires[phone] = now + (100 if phone in known else 30)
            assert (found is not None) == (phone in known)
            assert inner.lookups == lookups

    asyncio.run(run())


async def test_fake_counts_lookups_and_queues_failures() -> None:
    """The in-memory fake counts every lookup and raises queued failures in order, once each."""
    fake = InMemoryCustomerDirectory()
    fake.fail_next(DirectoryUnavailable("one"))
    fake.fail_next(TimeoutError("two"))
    with pytest.raises(DirectoryUnavailable):
        await fake.find_by_phone(MARIA.phone)
    with pytest.raises(TimeoutError):
        await fake.find_by_phone(MARIA.phone)
    assert await fake.find_by_phone(MARIA.phone) is None
    assert fake.lookups == 3
    with pytest.raises(ValueError, match="not a phone"):
        fake.add(Customer(crm_id="x", phone="nope", name="X"))


class SlowDirectory:
    """Answers only when released, counting calls (to see concurrent lookups coalesce)."""

    def __init__(self, answer: Customer | None, error: Exception | None = None) -> None:
        self.calls = 0
        self.release = asyncio.Event()
        self._answer = answer
        self._error = error

    async def find_by_phone(self, phone: str) -> Customer | None:
        """Wait for the release, then answer (or raise)."""
        self.calls += 1
        await self.release.wait()
        if self._error is not None:
            raise self._error
        return self._answer


async def test_concurrent_lookups_of_one_phone_share_one_crm_call() -> None:
    """Three simultaneous lookups in different spellings make one CRM call and get one answer."""
    inner = SlowDirectory(MARIA)
    cache = CachedCustomerDirectory(inner, FixedClock())
    waiting = [
        asyncio.create_task(cache.find_by_phone(p))
        for p in (MARIA.phone, "(21) 99999-8888", "+55 21 99999 8888")
    ]
    await asyncio.sleep(0)
    inner.release.set()
    assert await asyncio.gather(*waiting) == [MARIA, MARIA, MARIA]
    assert inner.calls == 1


async def test_a_shared_failure_reaches_every_waiter_and_is_not_kept() -> None:
    """When the shared call fails, every waiter sees the error and the next lookup tries again."""
    inner = SlowDirectory(MARIA, DirectoryUnavailable("down"))
    cache = CachedCustomerDirectory(inner, FixedClock())
    waiting = [asyncio.create_task(cache.find_by_phone(MARIA.phone)) for _ in range(2)]
    await asyncio.sleep(0)
    inner.release.set()
    results = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(r, DirectoryUnavailable) for r in results)
    inner._error = None
    assert await cache.find_by_phone(MARIA.phone) == MARIA
    assert inner.calls == 2
