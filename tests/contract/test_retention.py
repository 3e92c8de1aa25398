"""The RetentionStore contract (uow.retention) on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import itertools
from datetime import timedelta

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lia_core.domain.activity import Activity, ActivityFilter, Actor
from lia_core.domain.delivery import JobStatus, OutboundJob
from lia_core.domain.retention import FINISHED_JOBS, RetentionTarget
from lia_core.errors import NotFound
from lia_core.ports import DeadLetterFilter, UnitOfWorkFactory
from tests.contract.builders.conversations import a_conversation, add_inbound, inbound, shown
from tests.contract.builders.delivery import T0, a_dead_letter, a_job, store_jobs

CUTOFF = T0
NOW = T0 + timedelta(days=30)
_runs = itertools.count()


async def _purge_all(uow_factory: UnitOfWorkFactory, target: RetentionTarget, limit: int) -> int:
    """Purge in committed batches of *limit* until a batch comes back short; how many in all."""
    total = 0
    while True:
        async with uow_factory() as uow:
            done = await uow.retention.purge(target, before=CUTOFF, now=NOW, limit=limit)
            await uow.commit()
        assert done <= limit
        total += done
        if done < limit:
            return total


async def _count(uow_factory: UnitOfWorkFactory, target: RetentionTarget) -> int:
    async with uow_factory() as uow:
        return await uow.retention.count(target, before=CUTOFF)


async def _jobs(uow_factory: UnitOfWorkFactory, ids: list[str]) -> dict[str, OutboundJob]:
    found: dict[str, OutboundJob] = {}
    async with uow_factory() as uow:
        for job_id in ids:
            with contextlib.suppress(NotFound):
                found[job_id] = await uow.outbox.get(job_id)
    return found


_AGES = st.integers(min_value=-3, max_value=3).map(lambda h: timedelta(hours=h))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    jobs=st.lists(
        st.tuples(st.sampled_from(list(JobStatus)), _AGES, _AGES.map(abs)), min_size=1, max_size=8
    ),
    limit=st.integers(min_value=1, max_value=4),
)
async def test_only_finished_jobs_older_than_the_cutoff_are_deleted(
    uow_factory: UnitOfWorkFactory,
    jobs: list[tuple[JobStatus, timedelta, timedelta]],
    limit: int,
) -> None:
    """Whatever the statuses and ages: a job goes iff it is finished (sent or dead) and was
    created and last changed before the cutoff; every other job is left exactly as it was."""
    run = next(_runs)
    stored = [
        attrs.evolve(
            a_job(f"j-{run}-{i}", status=status, created_at=CUTOFF + created),
            updated_at=CUTOFF + created + changed,
        )
        for i, (status, created, changed) in enumerate(jobs)
    ]
    await store_jobs(uow_factory, *stored)
    old = {
        j.id for j in stored if j.status in FINISHED_JOBS and j.updated_at < CUTOFF
    }  # updated_at >= created_at, so this is "both before the cutoff"

    counted = await _count(uow_factory, RetentionTarget.OUTBOX)
    purged = await _purge_all(uow_factory, RetentionTarget.OUTBOX, limit)

    left = await _jobs(uow_factory, [j.id for j in stored])
    assert counted == purged == len(old)
    assert set(left) == {j.id for j in stored} - old
    assert all(left[j.id] == j for j in stored if j.id in left)
    assert await _count(uow_factory, RetentionTarget.OUTBOX) == 0


async def test_a_dead_job_goes_with_its_dead_letter(uow_factory: UnitOfWorkFactory) -> None:
    """The dead letter of a purged dead job is deleted with it; a recent one's stays."""
    old = attrs.evolve(a_job("j-old", status=JobStatus.DEAD, created_at=T0 - timedelta(days=2)))
    new = a_job("j-new", status=JobStatus.DEAD, created_at=T0 + timedelta(hours=1))
    await store_jobs(uow_factory, old, new)
    async with uow_factory() as uow:
        await uow.dead_letters.add(a_dead_letter("j-old", failed_at=old.updated_at))
        await uow.dead_letters.add(a_dead_letter("j-new", failed_at=new.updated_at))
        await uow.commit()

    assert await _purge_all(uow_factory, RetentionTarget.OUTBOX, 10) == 1

    async with uow_factory() as uow:
        assert [d.job_id for d in await uow.dead_letters.list(DeadLetterFilter())] == ["j-new"]
    assert set(await _jobs(uow_factory, ["j-old", "j-new"])) == {"j-new"}


async def test_an_uncommitted_purge_deletes_nothing(uow_factory: UnitOfWorkFactory) -> None:
    """A batch is one transaction: rolled back, every row is still there."""
    await store_jobs(uow_factory, a_job("j-1", status=JobStatus.SENT, created_at=T0 - timedelta(1)))
    async with uow_factory() as uow:
        assert (
            await uow.retention.purge(RetentionTarget.OUTBOX, before=CUTOFF, now=NOW, limit=5) == 1
        )
    assert set(await _jobs(uow_factory, ["j-1"])) == {"j-1"}


async def test_processed_old_messages_are_blanked_and_still_deduplicated(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Old processed inbound messages lose their content, keep their row and provider id (a
    redelivery is still skipped); unprocessed or recent ones keep everything; twice is once."""
    rich = attrs.evolve(inbound("wamid.old"), reply_id="row-1", details={"latitude": "-22.4"})
    await add_inbound(uow_factory, ("m-old", rich), at=T0 - timedelta(days=1))
    await add_inbound(uow_factory, ("m-waiting", inbound("wamid.w")), at=T0 - timedelta(days=1))
    await add_inbound(uow_factory, ("m-new", inbound("wamid.new")), at=T0 + timedelta(minutes=1))
    async with uow_factory() as uow:
        await uow.messages.mark_processed({"m-old": "c-1", "m-new": "c-1"}, at=T0)
        await uow.commit()

    assert await _count(uow_factory, RetentionTarget.WEBHOOKS) == 1
    assert await _purge_all(uow_factory, RetentionTarget.WEBHOOKS, 1) == 1
    assert await _count(uow_factory, RetentionTarget.WEBHOOKS) == 0
    assert await _purge_all(uow_factory, RetentionTarget.WEBHOOKS, 5) == 0

    by_id = {m.id: m for m in await shown(uow_factory, "c-1")}
    assert (by_id["m-old"].text, by_id["m-old"].details, by_id["m-old"].reply_id) == ("", {}, None)
    assert by_id["m-old"].provider_message_id == "wamid.old"
    assert by_id["m-new"].text == "sem internet (wamid.new)"
    async with uow_factory() as uow:
        waiting = await uow.messages.unprocessed(stored_before=NOW, limit=10)
    assert [(p.id, p.message.text) for p in waiting] == [("m-waiting", "sem internet (wamid.w)")]
    assert await add_inbound(uow_factory, ("m-again", rich), at=NOW) == []


async def test_old_conversation_previews_are_blanked_with_the_messages(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """The list's preview of a last message older than the cutoff is customer text too: it is
    blanked (counted, in batches); a conversation with a newer last message keeps its own."""
    old = [
        a_conversation(f"c-{n}", chat=f"55219999000{n}", at=T0 - timedelta(hours=n + 1))
        for n in range(3)
    ]
    recent = a_conversation("c-new", chat="552199990009", at=T0 + timedelta(minutes=1))
    async with uow_factory() as uow:
        await uow.conversations.save_many([*old, recent])
        await uow.commit()

    assert await _count(uow_factory, RetentionTarget.WEBHOOKS) == 3
    assert await _purge_all(uow_factory, RetentionTarget.WEBHOOKS, 2) == 3
    assert await _count(uow_factory, RetentionTarget.WEBHOOKS) == 0
    async with uow_factory() as uow:
        previews = {c.id: (await uow.conversations.get(c.id)).last_message for c in [*old, recent]}
    assert previews == {"c-0": "", "c-1": "", "c-2": "", "c-new": "sem internet"}


async def test_audit_rows_before_the_cutoff_are_deleted_oldest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Old audit rows go, oldest first and at most *limit* a batch; the rest stay."""
    entries = [
        Activity.of(
            Actor.service("scheduler"),
            id=f"a-{minutes}",
            at=T0 + timedelta(minutes=minutes),
            action="region.define",
            entity="region",
            entity_id="r-1",
        )
        for minutes in (-30, -20, -10, 0, 10)
    ]
    async with uow_factory() as uow:
        for entry in entries:
            await uow.activity.add(entry)
        await uow.commit()

    assert await _count(uow_factory, RetentionTarget.AUDIT) == 3
    async with uow_factory() as uow:
        assert (
            await uow.retention.purge(RetentionTarget.AUDIT, before=CUTOFF, now=NOW, limit=2) == 2
        )
        await uow.commit()
    async with uow_factory() as uow:
        left = [e.id for e in await uow.activity.list(ActivityFilter(), limit=10)]
    assert left == ["a-10", "a-0", "a--10"]
    assert await _purge_all(uow_factory, RetentionTarget.AUDIT, 2) == 1
