"""The RateGate contract on the fake, SQLite and PostgreSQL: slots granted per key, never more than the book holds.

Rates are tiny (one slot per 1,000 s) where a test counts what is left, so the time the test
itself takes refills nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from lia_adapters.memory import InMemoryRateGate
from lia_adapters.sql import SqlRateGate
from lia_core.ports import RateGate
from tests.conftest import BACKENDS, connected_engine, migrate_from_template

SLOW = 0.001
"""One slot per 1,000 seconds: nothing refills while a test runs."""


@pytest.fixture(params=BACKENDS)
async def gate(request: pytest.FixtureRequest) -> AsyncIterator[RateGate]:
    """Each rate gate over an empty store."""
    if request.param == "memory":
        yield InMemoryRateGate()
        return
    url: str = request.getfixturevalue(f"{request.param}_url")
    migrate_from_template(request, url)
    engine = await connected_engine(url)
    try:
        yield SqlRateGate(engine)
    finally:
        await engine.dispose()


async def test_a_new_key_grants_its_burst_at_once_and_no_more(gate: RateGate) -> None:
    """A new book is full: `burst` slots usable now, then nothing without waiting."""
    first = await gate.take("whatsapp:1", count=3, rate=SLOW, burst=5, max_wait=0)
    second = await gate.take("whatsapp:1", count=5, rate=SLOW, burst=5, max_wait=0)
    third = await gate.take("whatsapp:1", count=1, rate=SLOW, burst=5, max_wait=0)
    assert (first.granted, second.granted, third.granted) == (3, 2, 0)
    assert [first.slot_in(i) for i in range(3)] == [0.0, 0.0, 0.0]
    assert second.slot_in(1) == 0.0


async def test_max_wait_books_slots_ahead_at_the_rate(gate: RateGate) -> None:
    """With max_wait, the slots due within it are granted, spaced 1 / rate apart."""
    grant = await gate.take("sms:AC1", count=10, rate=1.0, burst=1, max_wait=3.5)
    assert grant.granted == 4  # the one saved up, then one per second up to 3.5 s ahead
    assert grant.interval == pytest.approx(1.0)
    assert grant.slot_in(0) == 0.0
    assert grant.slot_in(3) == pytest.approx(3.0, abs=0.01)
    later = await gate.take("sms:AC1", count=1, rate=1.0, burst=1, max_wait=10)
    assert later.granted == 1
    assert 2.0 < later.slot_in(0) <= 4.01  # after the four booked (less the time since)


async def test_keys_are_independent(gate: RateGate) -> None:
    """Emptying one provider's book leaves another's full."""
    assert (await gate.take("whatsapp:1", count=2, rate=SLOW, burst=2, max_wait=0)).granted == 2
    assert (await gate.take("whatsapp:2", count=2, rate=SLOW, burst=2, max_wait=0)).granted == 2
    assert (await gate.take("whatsapp:1", count=1, rate=SLOW, burst=2, max_wait=0)).granted == 0


async def test_taking_nothing_grants_nothing(gate: RateGate) -> None:
    """A take of zero slots is answered, with none."""
    assert (await gate.take("push:p", count=0, rate=SLOW, burst=4, max_wait=1)).granted == 0
    assert (await gate.take("push:p", count=4, rate=SLOW, burst=4, max_wait=0)).granted == 4


async def test_concurrent_takes_never_grant_more_than_the_book_holds(gate: RateGate) -> None:
    """Twenty takes at once (separate connections on a database) share ten slots exactly."""
    grants = await asyncio.gather(
        *(gate.take("whatsapp:1", count=3, rate=SLOW, burst=10, max_wait=0) for _ in range(20))
    )
    assert sum(g.granted for g in grants) == 10
