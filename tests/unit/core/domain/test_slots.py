"""Send slots against oracles: a batch take is N single token-bucket bookings; no more than the cap."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.pacing import TokenBucket
from lia_core.domain.slots import SlotBook, SlotGrant, SlotLease, grant_slots

_takes = st.lists(
    st.tuples(
        st.floats(0, 3),  # seconds since the previous take
        st.integers(0, 30),  # slots asked for
        st.sampled_from([0.0, 0.25, 1.0, 5.0]),  # max_wait
    ),
    max_size=25,
)
_rates = st.sampled_from([0.5, 1.0, 7.0, 80.0, 1000.0])
_bursts = st.sampled_from([1.0, 2.0, 8.0, 100.0])


@given(rate=_rates, burst=_bursts, takes=_takes)
def test_a_batch_take_books_what_single_reservations_would(
    rate: float, burst: float, takes: list[tuple[float, int, float]]
) -> None:
    """Taking n slots grants and times them as n one-token `TokenBucket.reserve` calls would."""
    book, bucket, now = SlotBook(), TokenBucket(rate=rate, burst=burst), 10.0
    for gap, count, max_wait in takes:
        now += gap
        grant = book.take("k", now, count=count, rate=rate, burst=burst, max_wait=max_wait)
        expected: list[float] = []
        while len(expected) < count:
            at = bucket.reserve(now, max_wait=max_wait)
            if at is None:
                break
            expected.append(at - now)
        # Float slack: a slot right at max_wait may fall either side of it.
        assert abs(grant.granted - len(expected)) <= 1
        for index in range(min(grant.granted, len(expected))):
            assert abs(grant.slot_in(index) - expected[index]) < 1e-6
        if grant.granted != len(expected):  # realign the oracle with what was granted
            bucket = _bucket_after(book, rate=rate, burst=burst, now=now)


def _bucket_after(book: SlotBook, *, rate: float, burst: float, now: float) -> TokenBucket:
    tat = book._tats["k"]
    return TokenBucket(rate=rate, burst=burst, _tokens=(now - tat) * rate, _updated=now)


@given(rate=_rates, burst=_bursts, takes=_takes)
def test_granted_slots_never_exceed_burst_plus_rate_times_elapsed(
    rate: float, burst: float, takes: list[tuple[float, int, float]]
) -> None:
    """By any time t, the slots due at or before t number at most burst + rate * (t - start)."""
    start = now = 10.0
    slots: list[float] = []
    tat: float | None = None
    for gap, count, max_wait in takes:
        now += gap
        tat, grant = grant_slots(tat, now, count=count, rate=rate, burst=burst, max_wait=max_wait)
        assert 0 <= grant.granted <= count
        assert all(grant.slot_in(i) <= max_wait + 1e-6 for i in range(grant.granted))
        slots.extend(now + grant.slot_in(i) for i in range(grant.granted))
    for index, at in enumerate(sorted(slots)):
        assert index + 1 <= burst + rate * (at - start) + 1e-6


def test_a_lease_spends_its_slots_in_order_then_is_empty() -> None:
    """Slots come out one per spend at their times; a used-up lease is empty."""
    lease = SlotLease()
    lease.fill(SlotGrant(granted=3, first_in=-1.0, interval=0.5), now=100.0)
    assert lease.spend(100.0, max_wait=5) == 100.0  # due a second ago: now
    assert lease.spend(100.0, max_wait=5) == 100.0  # due 0.5 s ago: now
    assert lease.spend(100.0, max_wait=5) == 100.0  # due now
    assert lease.empty(100.0)
    assert lease.spend(100.0, max_wait=5) is None


def test_a_slot_beyond_max_wait_is_kept_for_a_patient_sender() -> None:
    """A bulk send refused the next slot (too far) leaves it for a live one."""
    lease = SlotLease()
    lease.fill(SlotGrant(granted=1, first_in=2.0, interval=0.1), now=0.0)
    assert lease.spend(0.0, max_wait=0.25) is None
    assert lease.spend(0.0, max_wait=5.0) == 2.0


def test_stale_slots_are_dropped_not_spent_late() -> None:
    """A slot unused past stale_after is gone: no burst from slots leased long ago."""
    lease = SlotLease(stale_after=0.5)
    lease.fill(SlotGrant(granted=10, first_in=0.0, interval=0.1), now=0.0)
    # At 1.0 s the slots of 0.0..0.4 s are more than 0.5 s old; 0.5 s onwards remain.
    assert lease.spend(1.0, max_wait=0) == 1.0
    left = 0
    while lease.spend(1.0, max_wait=5) is not None:
        left += 1
    assert left == 4  # 0.6 .. 0.9
    assert lease.empty(1.0)
    lease.fill(SlotGrant(granted=2, first_in=0.0, interval=0.1), now=0.0)
    assert lease.empty(10.0)


@pytest.mark.parametrize(
    ("grant", "filled", "now", "next_at", "left"),
    [
        # the next slot is exactly stale_after old: kept
        (SlotGrant(granted=2, first_in=1.0, interval=1.0), 0.0, 1.5, 1.0, 2),
        # slots saved up before the lease: stale only stale_after after the lease
        (SlotGrant(granted=3, first_in=-1.0, interval=0.5), 1.0, 1.5, 0.0, 3),
        # five slots 100.0 .. 100.4 are more than 0.5 s old at 101.0: dropped
        (SlotGrant(granted=10, first_in=0.0, interval=0.1), 100.0, 101.0, 100.5, 5),
        # one slot (0.45) is stale: exactly one is dropped
        (SlotGrant(granted=5, first_in=0.45, interval=0.1), 0.0, 1.0, 0.55, 4),
    ],
)
def test_stale_slots_dropped_are_exactly_those_older_than_stale_after(
    grant: SlotGrant, filled: float, now: float, next_at: float, left: int
) -> None:
    """Slots more than stale_after old (and leased more than stale_after ago) go; the rest stay."""
    lease = SlotLease(stale_after=0.5)
    lease.fill(grant, now=filled)
    assert not lease.empty(now)
    assert lease.free_at() == pytest.approx(next_at)
    spent = 0
    while lease.spend(now, max_wait=100.0) is not None:
        spent += 1
    assert spent == left


def test_a_new_book_grants_its_whole_burst_and_a_slot_exactly_max_wait_away() -> None:
    """A full book grants exactly burst slots at once; a slot exactly max_wait away is usable."""
    tat, grant = grant_slots(None, 0.0, count=10, rate=1.0, burst=3.0, max_wait=0.0)
    assert (tat, grant.granted) == (0.0, 3)
    lease = SlotLease()
    lease.fill(SlotGrant(granted=1, first_in=2.0, interval=0.1), now=0.0)
    assert lease.spend(0.0, max_wait=2.0) == 2.0
