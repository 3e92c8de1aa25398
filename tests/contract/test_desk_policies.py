"""The DeskPolicyStore contract on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from lia_adapters.memory import FixedClock, SequentialIds
from lia_core.desk.policy import DeskPolicyRevision
from lia_core.domain.activity import ActivityFilter, Actor
from lia_core.errors import AlreadyExists, NotFound
from lia_core.ports import UnitOfWorkFactory
from lia_core.services import LoadDeskPolicy
from lia_core.services.desk_policy import LoadDeskPolicyHandler
from tests.contract.builders.outages import T0


def a_revision(
    number: int, *, by: str = "ana", filename: str | None = "desk.toml"
) -> DeskPolicyRevision:
    """Revision *number* with a source that names it."""
    return DeskPolicyRevision(
        revision=number,
        source=f"# revision {number}\nversion = 1\n",
        digest=f"{number:064x}",
        loaded_by=by,
        loaded_at=T0 + timedelta(minutes=number),
        filename=filename,
    )


async def test_an_empty_store_has_no_latest(uow_factory: UnitOfWorkFactory) -> None:
    """With nothing loaded: latest and its number are None, history is empty, get is NotFound."""
    async with uow_factory() as uow:
        assert await uow.desk_policies.latest() is None
        assert await uow.desk_policies.latest_number() is None
        assert list(await uow.desk_policies.history(10)) == []
        with pytest.raises(NotFound):
            await uow.desk_policies.get(1)


async def test_revisions_round_trip_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    """Stored revisions come back equal; latest is the highest; history is newest first."""
    revisions = [a_revision(1), a_revision(2, filename=None), a_revision(3, by="bruno")]
    async with uow_factory() as uow:
        for revision in revisions:
            await uow.desk_policies.add(revision)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.desk_policies.get(2) == revisions[1]
        assert await uow.desk_policies.latest() == revisions[2]
        assert await uow.desk_policies.latest_number() == 3
        assert list(await uow.desk_policies.history(2)) == [revisions[2], revisions[1]]
        assert list(await uow.desk_policies.history(10)) == revisions[::-1]


async def test_a_taken_number_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    """Adding a revision whose number is stored raises AlreadyExists naming it."""
    async with uow_factory() as uow:
        await uow.desk_policies.add(a_revision(1))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists) as raised:
            await uow.desk_policies.add(a_revision(1, by="bruno"))
    assert raised.value.entity_id == "1"


async def test_an_uncommitted_revision_is_not_kept(uow_factory: UnitOfWorkFactory) -> None:
    """A revision seen inside its unit of work is gone once that rolls back."""
    async with uow_factory() as uow:
        await uow.desk_policies.add(a_revision(1))
        assert await uow.desk_policies.latest_number() == 1
    async with uow_factory() as uow:
        assert await uow.desk_policies.latest() is None


async def test_concurrent_loads_never_share_a_number(uow_factory: UnitOfWorkFactory) -> None:
    """Two loads that both read the latest number: one stores N+1, the other N+2 or fails."""
    async with uow_factory() as uow:
        await uow.desk_policies.add(a_revision(1))
        await uow.commit()
    both_read = asyncio.Barrier(2)

    async def load(by: str) -> int:
        async with uow_factory() as uow:
            latest = await uow.desk_policies.latest_number()
            await both_read.wait()
            number = (latest or 0) + 1
            await uow.desk_policies.add(a_revision(number, by=by))
            await uow.commit()
            return number

    outcomes = await asyncio.wait_for(
        asyncio.gather(load("ana"), load("bruno"), return_exceptions=True), timeout=10
    )

    stored = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert stored == [2]
    assert [type(e).__name__ for e in refused] in (["AlreadyExists"], ["ConcurrencyConflict"])
    async with uow_factory() as uow:
        history = await uow.desk_policies.history(10)
    assert [r.revision for r in history] == [2, 1]


async def test_concurrent_load_use_cases_both_store_in_turn(uow_factory: UnitOfWorkFactory) -> None:
    """Two `LoadDeskPolicy` at once both succeed: one is revision 1, the other takes 2."""
    load = LoadDeskPolicyHandler(uow_factory, FixedClock(T0), SequentialIds("a"), "UTC")

    async def by(name: str) -> int:
        loaded = await load(LoadDeskPolicy(source=f"# {name}\n", actor=Actor(name=name)))
        assert loaded.revision is not None
        return loaded.revision.revision

    numbers = await asyncio.wait_for(asyncio.gather(by("ana"), by("bruno")), timeout=20)

    assert sorted(numbers) == [1, 2]
    async with uow_factory() as uow:
        history = await uow.desk_policies.history(10)
        audited = await uow.activity.list(ActivityFilter(entity="rules"), limit=10)
    assert sorted(r.loaded_by for r in history) == ["ana", "bruno"]
    assert sorted(e.entity_id for e in audited) == ["1", "2"]
