"""The delivery repository contract: outbox, dead letters, audit and notices, on every backend."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest

from lia_core.domain.delivery import (
    Channel,
    DeadLetter,
    DeliveryErrorInfo,
    JobContext,
    JobName,
    JobStatus,
    Lane,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.failures import FailureStatus, MassiveFailure, Severity
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.recipients import Phone
from lia_core.domain.regions import AffectedRegions, Area, CityArea
from lia_core.errors import ConcurrencyConflict, NotFound
from lia_core.ports import DeadLetterFilter, ReprocessAudit, UnitOfWorkFactory

BRT = timezone(timedelta(hours=-3), "BRT")
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PHONE = "5521999990001"


def a_job(
    job_id: str = "j-1",
    *,
    key: str | None = None,
    lane: Lane = Lane.LIVE,
    due: datetime = T0,
    status: JobStatus = JobStatus.PENDING,
    recipient: str = PHONE,
    created_at: datetime = T0,
) -> OutboundJob:
    """A pending SMS job due at *due*; optional fields left empty."""
    return OutboundJob(
        id=job_id,
        job_name=JobName.SEND_SMS,
        channel=Channel.SMS,
        recipient=Phone.stored(recipient),
        content=MessageContent(text=f"Mensagem {job_id}"),
        context=JobContext(source="test"),
        idempotency_key=key or f"key-{job_id}",
        lane=lane,
        status=status,
        next_attempt_at=due,
        created_at=created_at,
        updated_at=created_at,
    )


def a_full_job() -> OutboundJob:
    """A job with every field set, timestamps in several zones, accents in the content."""
    return OutboundJob(
        id="7c0e2b9a-1f4d-4e8b-a2c3-5d6e7f8a9b0c",
        job_name=JobName.OUTAGE_NOTICE,
        channel=Channel.WHATSAPP,
        recipient=Phone.stored("5521999990001"),
        content=MessageContent(
            text="Olá Ana, falha em Teresópolis — previsão 18h.",
            template="aviso_falha",
            template_language="pt_BR",
            params=("Ana", "Várzea", "18h"),
            data={"failure_id": "f-1", "região": "serra"},
        ),
        context=JobContext(source="crm-webhook", correlation_id="f-1"),
        idempotency_key="notice:f-1:+55 21 99999-0001",
        lane=Lane.BULK,
        status=JobStatus.SENDING,
        attempts=3,
        next_attempt_at=datetime(2026, 3, 10, 9, 30, 15, 123456, tzinfo=BRT),
        fallback_channels=(Channel.EVOLUTION, Channel.SMS),
        lease_owner="worker-1:4242",
        lease_expires_at=datetime(2026, 3, 10, 12, 31, tzinfo=UTC),
        provider_message_id="wamid.HBgNNTUyMTk5OTk5MDAwMRUCABEYEjQ1",
        last_error=DeliveryErrorInfo(
            kind="rate_limited",
            code="131056",
            http_status=429,
            provider="whatsapp",
            excerpt="(#131056) Limite de mensagens por par atingido — tente depois",
        ),
        dlq_reprocess_count=2,
        created_at=datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
        updated_at=datetime(2026, 3, 10, 9, 31, tzinfo=BRT),
        sent_at=datetime(2026, 3, 10, 12, 32, 0, 1, tzinfo=UTC),
    )


def a_dead_letter(
    job_id: str = "j-1",
    *,
    failed_at: datetime = T0,
    job_name: JobName = JobName.SEND_SMS,
    code: str | None = "21610",
) -> DeadLetter:
    """The dead letter of job *job_id*, failed permanently at *failed_at*."""
    return DeadLetter(
        job_id=job_id,
        job_name=job_name,
        channel=Channel.SMS,
        origin_queue=Lane.LIVE,
        error=DeliveryErrorInfo(
            kind="permanent", code=code, http_status=400, provider="twilio", excerpt="Unsubscribed"
        ),
        payload_hash="a" * 64,
        failed_at=failed_at,
        attempts=1,
    )


def a_notice(
    recipient: str = PHONE,
    *,
    failure_id: str = "f-1",
    kind: NoticeKind = NoticeKind.NOTICE,
    name: str = "Ana",
) -> FailureNotice:
    """A notice telling *recipient* about failure *failure_id*."""
    return FailureNotice(
        failure_id=failure_id,
        recipient=recipient,
        name=name,
        channel=Channel.WHATSAPP,
        kind=kind,
        job_id=f"job-{failure_id}-{kind.value}-{recipient}",
        created_at=T0,
    )


def a_failure(failure_id: str = "f-1") -> MassiveFailure:
    """An active failure that notices can refer to."""
    return MassiveFailure(
        id=failure_id,
        name=f"Falha {failure_id}",
        notification_message="Olá {nome}.",
        resolution_message=None,
        severity=Severity.HIGH,
        regions=AffectedRegions(area=Area(cities=(CityArea(city="Teresópolis"),))),
        starts_at=T0,
        estimated_resolution=None,
        status=FailureStatus.ACTIVE,
        created_by="ana",
        created_at=T0,
        updated_at=T0,
    )


async def store_jobs(uow_factory: UnitOfWorkFactory, *jobs: OutboundJob) -> None:
    """Add and commit *jobs* in one unit of work."""
    async with uow_factory() as uow:
        assert await uow.outbox.add_many(jobs) == len(jobs)
        await uow.commit()


async def claim(
    uow_factory: UnitOfWorkFactory,
    *,
    owner: str = "w1",
    now: datetime = T0,
    lease_seconds: float = 60,
    limit: int = 100,
) -> list[OutboundJob]:
    """Claim and commit, as the dispatcher does."""
    async with uow_factory() as uow:
        jobs = await uow.outbox.claim(
            owner=owner, now=now, lease_seconds=lease_seconds, limit=limit
        )
        await uow.commit()
    return list(jobs)


async def load_job(uow_factory: UnitOfWorkFactory, job_id: str) -> OutboundJob:
    """The committed state of a job."""
    async with uow_factory() as uow:
        return await uow.outbox.get(job_id)


async def store_failures(uow_factory: UnitOfWorkFactory, *failure_ids: str) -> None:
    """Store failures for notices to refer to."""
    async with uow_factory() as uow:
        for failure_id in failure_ids:
            await uow.failures.add(a_failure(failure_id))
        await uow.commit()


# --- outbox: storing ------------------------------------------------------------------------


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


# --- outbox: claiming -----------------------------------------------------------------------


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


# --- outbox: writing back -------------------------------------------------------------------


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


# --- outbox: queries ------------------------------------------------------------------------


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


# --- dead letters ---------------------------------------------------------------------------


async def test_dead_letter_round_trips_and_add_replaces(uow_factory: UnitOfWorkFactory) -> None:
    """A dead letter comes back equal; adding one again for the job replaces it."""
    await store_jobs(uow_factory, a_job("j-1", status=JobStatus.DEAD))
    first = a_dead_letter("j-1")
    again = attrs.evolve(
        first,
        error=DeliveryErrorInfo(kind="unreachable", excerpt="número inexistente"),
        failed_at=T0 + timedelta(days=1),
        attempts=4,
        reprocess_count=1,
    )

    async with uow_factory() as uow:
        await uow.dead_letters.add(first)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.dead_letters.get("j-1") == first
        await uow.dead_letters.add(again)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.dead_letters.get("j-1") == again
        assert await uow.dead_letters.count() == 1


async def test_get_missing_dead_letter_raises_not_found(uow_factory: UnitOfWorkFactory) -> None:
    """Getting the dead letter of a job that has none raises NotFound."""
    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.dead_letters.get("j-1")


async def test_dead_letter_list_filters_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    """list() filters by job name, error code, since (inclusive) and until (exclusive)."""
    letters = [
        a_dead_letter("d-3", failed_at=T0 + timedelta(hours=2)),
        a_dead_letter("d-1", failed_at=T0),
        a_dead_letter("d-2", failed_at=T0 + timedelta(hours=1), code="131026"),
        a_dead_letter("d-4", failed_at=T0 + timedelta(hours=3), job_name=JobName.OUTAGE_NOTICE),
        a_dead_letter("d-0", failed_at=T0, code=None),
    ]
    await store_jobs(uow_factory, *(a_job(d.job_id, status=JobStatus.DEAD) for d in letters))
    async with uow_factory() as uow:
        for dead in letters:
            await uow.dead_letters.add(dead)
        await uow.commit()

    async def ids(where: DeadLetterFilter, limit: int | None = None) -> list[str]:
        async with uow_factory() as uow:
            return [d.job_id for d in await uow.dead_letters.list(where, limit=limit)]

    hour = timedelta(hours=1)
    assert await ids(DeadLetterFilter()) == ["d-0", "d-1", "d-2", "d-3", "d-4"]
    assert await ids(DeadLetterFilter(), limit=2) == ["d-0", "d-1"]
    assert await ids(DeadLetterFilter(job_name=JobName.OUTAGE_NOTICE)) == ["d-4"]
    assert await ids(DeadLetterFilter(err_code="131026")) == ["d-2"]
    assert await ids(DeadLetterFilter(since=T0 + hour)) == ["d-2", "d-3", "d-4"]
    assert await ids(DeadLetterFilter(until=T0 + hour)) == ["d-0", "d-1"]
    window = DeadLetterFilter(
        job_name=JobName.SEND_SMS, err_code="21610", since=T0, until=T0 + 3 * hour
    )
    assert await ids(window) == ["d-1", "d-3"]


async def test_dead_letter_remove_and_count(uow_factory: UnitOfWorkFactory) -> None:
    """remove() forgets a dead letter (NotFound the second time); count() follows."""
    await store_jobs(uow_factory, a_job("j-1"), a_job("j-2"))
    async with uow_factory() as uow:
        await uow.dead_letters.add(a_dead_letter("j-1"))
        await uow.dead_letters.add(a_dead_letter("j-2"))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.dead_letters.count() == 2
        await uow.dead_letters.remove("j-1")
        assert await uow.dead_letters.count() == 1
        await uow.commit()

    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.dead_letters.remove("j-1")
        assert [d.job_id for d in await uow.dead_letters.list(DeadLetterFilter())] == ["j-2"]


async def test_rollback_discards_dead_letter_writes(uow_factory: UnitOfWorkFactory) -> None:
    """Dead letters added or removed without commit are not."""
    await store_jobs(uow_factory, a_job("j-1"), a_job("j-2"))
    async with uow_factory() as uow:
        await uow.dead_letters.add(a_dead_letter("j-1"))
        await uow.commit()

    async with uow_factory() as uow:
        await uow.dead_letters.add(a_dead_letter("j-2"))
        await uow.dead_letters.remove("j-1")

    async with uow_factory() as uow:
        assert [d.job_id for d in await uow.dead_letters.list(DeadLetterFilter())] == ["j-1"]


# --- reprocessing audit ---------------------------------------------------------------------


async def test_audit_entries_round_trip_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    """Audit entries come back equal, newest first (action id breaks ties), up to the limit."""

    def entry(action_id: str, at: datetime, *, dry_run: bool = False) -> ReprocessAudit:
        return ReprocessAudit(
            action_id=action_id,
            actor="ana.souza",
            at=at,
            filters={"job_name": "send-sms", "since": "2026-03-10T00:00:00+00:00"},
            dry_run=dry_run,
            matched=12,
            requeued=10,
            skipped=2,
            sample_ids=("j-1", "j-2"),
        )

    entries = [
        entry("a-1", T0),
        entry("a-3", T0 + timedelta(hours=1), dry_run=True),
        entry("a-2", T0 + timedelta(hours=1)),
    ]
    async with uow_factory() as uow:
        for item in entries:
            await uow.dlq_audit.add(item)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.dlq_audit.add(entry("discarded", T0 + timedelta(days=1)))  # never committed

    async with uow_factory() as uow:
        listed = await uow.dlq_audit.list()
        assert [e.action_id for e in listed] == ["a-3", "a-2", "a-1"]
        assert listed[0] == entries[1]
        assert [e.action_id for e in await uow.dlq_audit.list(limit=1)] == ["a-3"]


# --- failure notices ------------------------------------------------------------------------


async def test_record_skips_an_existing_notice(uow_factory: UnitOfWorkFactory) -> None:
    """A contact has at most one notice per failure and kind; other kinds and failures are new."""
    await store_failures(uow_factory, "f-1", "f-2")

    async with uow_factory() as uow:
        assert await uow.notices.record(a_notice())
        assert not await uow.notices.record(a_notice(name="Ana Souza"))  # staged already
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.notices.record(a_notice(name="Outra"))
        assert await uow.notices.record(a_notice(kind=NoticeKind.RESOLUTION))
        assert await uow.notices.record(a_notice(failure_id="f-2"))
        await uow.commit()

    async with uow_factory() as uow:
        (stored,) = await uow.notices.page("f-1", NoticeKind.NOTICE, after=None, limit=10)
    assert stored == a_notice()


async def test_record_many_counts_new_notices(uow_factory: UnitOfWorkFactory) -> None:
    """record_many() skips stored notices and repeats within the batch, counting the new ones."""
    await store_failures(uow_factory, "f-1")
    async with uow_factory() as uow:
        await uow.notices.record(a_notice("+5521900000001"))
        await uow.commit()

    batch = [a_notice(f"+55219000000{n:02}") for n in range(1, 6)] + [a_notice("+5521900000003")]
    async with uow_factory() as uow:
        assert await uow.notices.record_many(batch) == 4
        assert await uow.notices.record_many([]) == 0
        await uow.commit()

    async with uow_factory() as uow:
        assert (await uow.notices.counts("f-1"))[NoticeKind.NOTICE] == 5


async def test_page_walks_recipients_in_code_point_order(uow_factory: UnitOfWorkFactory) -> None:
    """page() returns one failure's notices of one kind by recipient, after the given one."""
    await store_failures(uow_factory, "f-1", "f-2")
    recipients = ["ana@isp.com.br", "+5521999990002", "Zeca@isp.com.br", "ábaco@x.br", "5521"]
    async with uow_factory() as uow:
        await uow.notices.record_many([a_notice(r) for r in recipients])
        await uow.notices.record(a_notice("+5521000000000", kind=NoticeKind.RESOLUTION))
        await uow.notices.record(a_notice("+5521000000000", failure_id="f-2"))
        await uow.commit()

    walked: list[FailureNotice] = []
    after: str | None = None
    async with uow_factory() as uow:
        while page := await uow.notices.page("f-1", NoticeKind.NOTICE, after=after, limit=2):
            walked.extend(page)
            after = page[-1].recipient

    assert [n.recipient for n in walked] == sorted(recipients)
    assert walked[0] == a_notice("+5521999990002")


async def test_counts_per_kind(uow_factory: UnitOfWorkFactory) -> None:
    """counts() counts one failure's notices per kind, zero for kinds it has none of."""
    await store_failures(uow_factory, "f-1", "f-2")
    async with uow_factory() as uow:
        assert (await uow.notices.counts("f-1"))[NoticeKind.NOTICE] == 0
        await uow.notices.record_many([a_notice(f"+55219000000{n:02}") for n in range(3)])
        await uow.notices.record(a_notice("+5521900000000", kind=NoticeKind.RESOLUTION))
        await uow.notices.record(a_notice("+5521900000009", failure_id="f-2"))
        await uow.commit()

    async with uow_factory() as uow:
        counts = await uow.notices.counts("f-1")
    assert {kind: counts[kind] for kind in NoticeKind} == {
        NoticeKind.NOTICE: 3,
        NoticeKind.RESOLUTION: 1,
    }


async def test_rollback_discards_notices(uow_factory: UnitOfWorkFactory) -> None:
    """Notices recorded without commit are not kept."""
    await store_failures(uow_factory, "f-1")
    async with uow_factory() as uow:
        await uow.notices.record(a_notice())
        await uow.notices.record_many([a_notice("+5521900000001")])

    async with uow_factory() as uow:
        assert await uow.notices.page("f-1", NoticeKind.NOTICE, after=None, limit=10) == []
