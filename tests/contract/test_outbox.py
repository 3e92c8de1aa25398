"""The OutboxRepository contract: storing, claiming, writing back, querying and settling jobs, on every backend."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import attrs
import pytest

from lia_core.domain.delivery import (
    DeliveryErrorInfo,
    JobContext,
    JobStatus,
    Lane,
)
from lia_core.errors import ConcurrencyConflict, NotFound
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.conversations import a_reply_job
from tests.contract.builders.delivery import (
    BRT,
    PHONE,
    T0,
    a_full_job,
    a_job,
    claim,
    load_job,
    store_jobs,
)


async def test_full_job_round_trips(uow_factory: UnitOfWorkFactory) -> None:
    """Every field of a job (payload, fallbacks, lease, last error) survives a round trip."""
    original = a_full_job()
    await store_jobs(uow_factory, original)

    loaded = await load_job(uow_factory, original.id)

    assert loaded == original
    assert loaded.content.params == ("Ana", "Várzea", "18h")
    assert loaded.content.data == {"failure_id": "f-1", "região": "serra"}
    assert loaded.next_attempt_at.utcoffset() is not None


async def test_minimal_job_round_trips(uow_factory: UnitOfWorkFactory) -> None:
    """A job whose optional fields are empty comes back with them still empty."""
    original = a_job()
    await store_jobs(uow_factory, original)

    loaded = await load_job(uow_factory, original.id)

    assert loaded == original
    assert (loaded.last_error, loaded.lease_owner, loaded.sent_at) == (None, None, None)
    assert loaded.fallback_channels == ()


async def test_get_missing_job_raises_not_found(uow_factory: UnitOfWorkFactory) -> None:
    """Getting an unknown job raises NotFound naming it."""
    async with uow_factory() as uow:
        with pytest.raises(NotFound) as raised:
            await uow.outbox.get("nope")
    assert (raised.value.entity, raised.value.entity_id) == ("job", "nope")


async def test_add_skips_a_known_idempotency_key(uow_factory: UnitOfWorkFactory) -> None:
    """add() stores a new key and returns False, storing nothing, for a key seen before."""
    async with uow_factory() as uow:
        assert await uow.outbox.add(a_job("j-1", key="k"))
        assert not await uow.outbox.add(a_job("j-2", key="k"))  # staged in this unit of work
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.outbox.add(a_job("j-3", key="k"))  # committed earlier
        await uow.commit()

    async with uow_factory() as uow:
        assert [job.id for job in await uow.outbox.list()] == ["j-1"]
        for ghost in ("j-2", "j-3"):
            with pytest.raises(NotFound):
                await uow.outbox.get(ghost)


async def test_get_by_key_finds_the_job_queued_under_it(uow_factory: UnitOfWorkFactory) -> None:
    """get_by_key() returns the job stored under an idempotency key, NotFound for an unknown key."""
    await store_jobs(uow_factory, a_job("j-1", key="k-1"), a_job("j-2", key="k-2"))
    async with uow_factory() as uow:
        assert (await uow.outbox.get_by_key("k-2")).id == "j-2"
        with pytest.raises(NotFound):
            await uow.outbox.get_by_key("k-unknown")


async def test_add_many_counts_only_new_keys(uow_factory: UnitOfWorkFactory) -> None:
    """add_many() skips stored keys and repeats within the batch, and counts the new jobs."""
    await store_jobs(uow_factory, a_job("old", key="k-old"))

    batch = [
        a_job("j-1", key="k-1"),
        a_job("dup-old", key="k-old"),
        a_job("j-2", key="k-2"),
        a_job("dup-1", key="k-1"),
    ]
    async with uow_factory() as uow:
        assert await uow.outbox.add_many(batch) == 2
        assert await uow.outbox.add_many([]) == 0
        await uow.commit()

    async with uow_factory() as uow:
        stored = {job.id for job in await uow.outbox.list()}
    assert stored == {"old", "j-1", "j-2"}


async def test_add_many_stores_batches_larger_than_one_statement(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A batch of 1,201 jobs (several INSERT statements in SQL) is stored and counted whole."""
    jobs = [a_job(f"j-{n:04}", recipient=f"55219{n:08}") for n in range(1201)]
    async with uow_factory() as uow:
        assert await uow.outbox.add_many(jobs) == 1201
        assert await uow.outbox.add_many(jobs[-3:]) == 0
        await uow.commit()

    async with uow_factory() as uow:
        assert (await uow.outbox.count_by_status())[JobStatus.PENDING] == 1201


async def test_claim_takes_live_before_bulk_then_by_due_time(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """claim() returns live jobs before bulk ones, each by due time then id, up to the limit."""
    await store_jobs(
        uow_factory,
        a_job("bulk-early", lane=Lane.BULK, due=T0 - timedelta(hours=2)),
        a_job("live-late", lane=Lane.LIVE, due=T0),
        a_job("live-b", lane=Lane.LIVE, due=T0 - timedelta(minutes=5)),
        a_job("live-a", lane=Lane.LIVE, due=T0 - timedelta(minutes=5)),
        a_job("bulk-late", lane=Lane.BULK, due=T0 - timedelta(minutes=1)),
    )

    first = await claim(uow_factory, limit=4)
    rest = await claim(uow_factory, limit=4)

    assert [job.id for job in first] == ["live-a", "live-b", "live-late", "bulk-early"]
    assert [job.id for job in rest] == ["bulk-late"]
    assert await claim(uow_factory) == []


async def test_claim_leases_the_jobs(uow_factory: UnitOfWorkFactory) -> None:
    """Claimed jobs are returned and stored as sending under the owner's lease."""
    await store_jobs(uow_factory, a_job("j-1"))

    (claimed,) = await claim(uow_factory, owner="w1", now=T0.astimezone(BRT), lease_seconds=90)

    expected = attrs.evolve(
        a_job("j-1"),
        status=JobStatus.SENDING,
        lease_owner="w1",
        lease_expires_at=T0 + timedelta(seconds=90),
        updated_at=T0,
    )
    assert claimed == expected
    assert await load_job(uow_factory, "j-1") == expected


async def test_claim_skips_future_and_finished_jobs(uow_factory: UnitOfWorkFactory) -> None:
    """Only pending jobs due at or before now are claimed; later and settled ones are not."""
    settled = [
        a_job(f"{status.value}-job", status=status, due=T0 - timedelta(hours=1))
        for status in (JobStatus.SENT, JobStatus.UNCERTAIN, JobStatus.DEAD)
    ]
    await store_jobs(
        uow_factory,
        *settled,
        a_job("due-now", due=T0),
        a_job("future-live", due=T0 + timedelta(microseconds=1)),
        a_job("future-bulk", lane=Lane.BULK, due=T0 + timedelta(minutes=1)),
    )

    assert [job.id for job in await claim(uow_factory, lease_seconds=3600)] == ["due-now"]
    assert [job.id for job in await claim(uow_factory, now=T0 + timedelta(minutes=1))] == [
        "future-live",
        "future-bulk",
    ]


async def test_expired_lease_is_reclaimable_and_unexpired_is_not(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A sending job is claimable again once its lease has expired, not before."""
    await store_jobs(uow_factory, a_job("j-1"))
    await claim(uow_factory, owner="w1", now=T0, lease_seconds=60)

    assert await claim(uow_factory, owner="w2", now=T0 + timedelta(seconds=59)) == []
    (reclaimed,) = await claim(uow_factory, owner="w2", now=T0 + timedelta(seconds=60))

    assert reclaimed.lease_owner == "w2"
    assert reclaimed.lease_expires_at == T0 + timedelta(seconds=120)
    assert (await load_job(uow_factory, "j-1")).lease_owner == "w2"


async def test_expired_leases_interleave_with_pending_jobs_by_due_time(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Reclaimed and pending jobs of one lane come back together in due-time order."""
    await store_jobs(uow_factory, a_job("stuck", due=T0 - timedelta(minutes=10)))
    await claim(uow_factory, owner="dead-worker", now=T0 - timedelta(minutes=10))
    await store_jobs(
        uow_factory,
        a_job("older", due=T0 - timedelta(minutes=20)),
        a_job("newer", due=T0 - timedelta(minutes=5)),
        a_job("bulk", lane=Lane.BULK, due=T0 - timedelta(hours=1)),
    )

    claimed = await claim(uow_factory, owner="w2", now=T0, limit=3)

    assert [job.id for job in claimed] == ["older", "stuck", "newer"]


async def test_concurrent_claimers_never_share_a_job(uow_factory: UnitOfWorkFactory) -> None:
    """Two claims running at once lease disjoint jobs and, together, all of them."""
    await store_jobs(
        uow_factory,
        *(a_job(f"j-{n:02}", lane=Lane.BULK if n % 3 else Lane.LIVE) for n in range(40)),
    )

    first, second = await asyncio.wait_for(
        asyncio.gather(
            claim(uow_factory, owner="a", limit=25), claim(uow_factory, owner="b", limit=25)
        ),
        timeout=10,
    )

    ids_a, ids_b = {job.id for job in first}, {job.id for job in second}
    assert ids_a.isdisjoint(ids_b)
    assert len(ids_a | ids_b) == 40


async def test_save_by_the_lease_holder_stores_the_new_state(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """The worker holding the lease can write back every field of the job."""
    await store_jobs(uow_factory, a_job("j-1"))
    (job,) = await claim(uow_factory, owner="w1")

    job.status, job.attempts = JobStatus.SENT, 1
    job.provider_message_id, job.sent_at = "SM123", T0 + timedelta(seconds=2)
    job.lease_owner = job.lease_expires_at = None
    job.last_error = DeliveryErrorInfo(kind="transient", excerpt="timeout, then ok")
    async with uow_factory() as uow:
        await uow.outbox.save(job, owner="w1")
        await uow.commit()

    assert await load_job(uow_factory, "j-1") == job


async def test_save_without_the_lease_raises_concurrency_conflict(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Saving under another owner, after the lease moved on, or for an unclaimed job conflicts."""
    await store_jobs(uow_factory, a_job("j-1"), a_job("idle", due=T0 + timedelta(days=1)))
    (job,) = await claim(uow_factory, owner="w1", now=T0, lease_seconds=30, limit=1)
    await claim(uow_factory, owner="w2", now=T0 + timedelta(minutes=1), limit=1)  # takes j-1 over

    async with uow_factory() as uow:
        for owner in ("w1", "intruder"):
            with pytest.raises(ConcurrencyConflict) as raised:
                await uow.outbox.save(attrs.evolve(job, status=JobStatus.SENT), owner=owner)
            assert (raised.value.entity, raised.value.entity_id) == ("job", "j-1")
        with pytest.raises(ConcurrencyConflict):
            await uow.outbox.save(a_job("idle", due=T0 + timedelta(days=1)), owner="w1")
        with pytest.raises(NotFound):
            await uow.outbox.save(a_job("ghost"), owner="w1")

    stored = await load_job(uow_factory, "j-1")
    assert (stored.status, stored.lease_owner) == (JobStatus.SENDING, "w2")


async def test_save_many_writes_what_the_owner_leases_and_names_the_rest(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """One call writes every field of each leased job; lost, unclaimed and unknown ids come back."""
    full = attrs.evolve(a_full_job(), next_attempt_at=T0, status=JobStatus.PENDING)
    await store_jobs(
        uow_factory, full, a_job("j-2"), a_job("j-3"), a_job("idle", due=T0 + timedelta(days=1))
    )
    mine = {job.id: job for job in await claim(uow_factory, owner="w1", lease_seconds=30, limit=3)}
    assert set(mine) == {full.id, "j-2", "j-3"}
    (taken,) = await claim(uow_factory, owner="w2", now=T0 + timedelta(minutes=1), limit=1)

    written = []
    for job_id in sorted(set(mine) - {taken.id}):
        job = mine[job_id]
        job.status, job.attempts, job.provider_message_id = JobStatus.SENT, 1, f"wamid.{job_id}"
        job.lease_owner = job.lease_expires_at = None
        job.last_error = DeliveryErrorInfo(kind="transient", excerpt="timeout, then ok")
        written.append(job)
    batch = [*written, attrs.evolve(taken, status=JobStatus.SENT)]
    batch += [a_job("idle", due=T0 + timedelta(days=1)), a_job("ghost")]
    async with uow_factory() as uow:
        lost = await uow.outbox.save_many(batch, owner="w1")
        assert await uow.outbox.save_many([], owner="w1") == []
        await uow.commit()

    assert list(lost) == [taken.id, "idle", "ghost"]
    for job in written:
        assert await load_job(uow_factory, job.id) == job
    stored = await load_job(uow_factory, taken.id)
    assert (stored.status, stored.lease_owner) == (JobStatus.SENDING, "w2")
    assert (await load_job(uow_factory, "idle")).status is JobStatus.PENDING


async def test_update_rewrites_an_unleased_job(uow_factory: UnitOfWorkFactory) -> None:
    """update() stores a job's new state whoever holds it; an unknown job is NotFound."""
    await store_jobs(uow_factory, a_job("j-1", status=JobStatus.DEAD))
    requeued = attrs.evolve(
        a_job("j-1"), attempts=0, dlq_reprocess_count=1, updated_at=T0 + timedelta(hours=1)
    )

    async with uow_factory() as uow:
        await uow.outbox.update(requeued)
        with pytest.raises(NotFound):
            await uow.outbox.update(a_job("ghost"))
        await uow.commit()

    assert await load_job(uow_factory, "j-1") == requeued


async def test_rollback_discards_outbox_writes(uow_factory: UnitOfWorkFactory) -> None:
    """Adds, saves and updates left uncommitted are discarded."""
    await store_jobs(uow_factory, a_job("leased"), a_job("idle", lane=Lane.BULK))
    (leased,) = await claim(uow_factory, owner="w1", limit=1)

    async with uow_factory() as uow:
        await uow.outbox.add(a_job("new-1"))
        await uow.outbox.add_many([a_job("new-2"), a_job("new-3")])
        await uow.outbox.save(attrs.evolve(leased, status=JobStatus.SENT), owner="w1")
        await uow.outbox.save_many([attrs.evolve(leased, status=JobStatus.DEAD)], owner="w1")
        await uow.outbox.update(attrs.evolve(a_job("idle", lane=Lane.BULK), attempts=7))
        await uow.rollback()

    async with uow_factory() as uow:
        assert sorted(job.id for job in await uow.outbox.list()) == ["idle", "leased"]
        assert (await uow.outbox.get("leased")).status is JobStatus.SENDING
        assert (await uow.outbox.get("idle")).attempts == 0


async def test_list_filters_by_status_and_recipient_newest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """list() filters by status and recipient, newest first (id breaks ties), up to the limit."""
    other = "5521888880000"
    await store_jobs(
        uow_factory,
        a_job("a", created_at=T0),
        a_job("b", created_at=T0),
        a_job("c", created_at=T0 + timedelta(seconds=1), status=JobStatus.SENT),
        a_job("d", created_at=T0 - timedelta(days=1), recipient=other),
        a_job("e", created_at=T0 + timedelta(hours=1), recipient=other, status=JobStatus.SENT),
    )

    async with uow_factory() as uow:
        assert [j.id for j in await uow.outbox.list()] == ["e", "c", "b", "a", "d"]
        assert [j.id for j in await uow.outbox.list(limit=2)] == ["e", "c"]
        assert [j.id for j in await uow.outbox.list(status=JobStatus.PENDING)] == ["b", "a", "d"]
        assert [j.id for j in await uow.outbox.list(recipient=other)] == ["e", "d"]
        both = await uow.outbox.list(status=JobStatus.SENT, recipient=PHONE)
        assert [j.id for j in both] == ["c"]
        assert await uow.outbox.list(status=JobStatus.DEAD) == []


async def test_count_by_status_counts_absent_statuses_as_zero(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """count_by_status() counts jobs per status, zero for statuses no job has."""
    async with uow_factory() as uow:
        assert (await uow.outbox.count_by_status())[JobStatus.PENDING] == 0
    await store_jobs(
        uow_factory,
        a_job("p-1"),
        a_job("p-2", due=T0 + timedelta(hours=1)),
        a_job("s-1", status=JobStatus.SENT),
        a_job("d-1", status=JobStatus.DEAD),
    )
    await claim(uow_factory, limit=1)

    async with uow_factory() as uow:
        counts = await uow.outbox.count_by_status()
    assert {status: counts[status] for status in JobStatus} == {
        JobStatus.PENDING: 1,
        JobStatus.SENDING: 1,
        JobStatus.SENT: 1,
        JobStatus.UNCERTAIN: 0,
        JobStatus.DEAD: 1,
    }


async def test_settle_delivered_marks_only_uncertain_jobs_sent(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Uncertain jobs named by key become sent with the receipt's provider id; no others."""
    jobs = [
        a_reply_job("j-1", status=JobStatus.UNCERTAIN),
        a_reply_job("j-2", status=JobStatus.UNCERTAIN),
        a_reply_job("j-3", status=JobStatus.PENDING),
        a_reply_job("j-4", status=JobStatus.SENT, pid="wamid.old"),
    ]
    async with uow_factory() as uow:
        await uow.outbox.add_many(jobs)
        await uow.commit()
    later = T0 + timedelta(minutes=3)
    delivered = {f"key-j-{i}": f"wamid.{i}" for i in (1, 3, 4, 9)}

    async with uow_factory() as uow:
        settled = await uow.outbox.settle_delivered(delivered, now=later)
        assert await uow.outbox.settle_delivered({}, now=later) == []
        await uow.commit()

    assert list(settled) == ["j-1"]
    async with uow_factory() as uow:
        done, untouched = (
            await uow.outbox.get("j-1"),
            [await uow.outbox.get(f"j-{i}") for i in (2, 3, 4)],
        )
    assert done == attrs.evolve(
        jobs[0],
        status=JobStatus.SENT,
        provider_message_id="wamid.1",
        sent_at=later,
        updated_at=later,
    )
    assert untouched == jobs[1:]


async def test_a_bulk_insert_never_cuts_a_value_short(uow_factory: UnitOfWorkFactory) -> None:
    """A value longer than its column is stored whole (SQLite) or refused, never truncated:
    an explicit cast to the column's varchar(n) on PostgreSQL used to cut it silently. Both
    bulk paths: a value shared by every row (bound once) and values that vary (an array)."""
    shared = "proactive-" + "x" * 300  # the column holds 128
    for label, sources in (
        ("shared", [shared] * 3),
        ("varying", [f"{shared}-{n}" for n in range(3)]),
    ):
        jobs = [
            attrs.evolve(a_job(f"{label}-{n}"), context=JobContext(source=source))
            for n, source in enumerate(sources)
        ]
        refusal = None
        try:
            await store_jobs(uow_factory, *jobs)
        except Exception as refused:  # the database's own refusal, as the driver words it
            refusal = str(refused)
        if refusal is not None:
            assert "too long" in refusal, label
            continue
        for job, source in zip(jobs, sources, strict=True):
            assert (await load_job(uow_factory, job.id)).context.source == source, label
