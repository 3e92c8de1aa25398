"""The DeadLetterRepository contract on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from lia_core.domain.delivery import (
    DeliveryErrorInfo,
    JobName,
    JobStatus,
)
from lia_core.errors import NotFound
from lia_core.ports import DeadLetterFilter, UnitOfWorkFactory
from tests.contract.builders.delivery import T0, a_dead_letter, a_job, store_jobs


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
    chosen = DeadLetterFilter(job_ids=frozenset({"d-4", "d-0", "nobody"}))
    assert await ids(chosen) == ["d-0", "d-4"]
    assert await ids(DeadLetterFilter(err_code="131026", job_ids=frozenset({"d-0"}))) == []


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
