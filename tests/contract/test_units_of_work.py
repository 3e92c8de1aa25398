"""The UnitOfWork contract: nothing is kept unless committed, on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from lia_core.errors import NotFound
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.outages import a_failure, a_region, a_user


async def test_changes_are_rolled_back_unless_committed(uow_factory: UnitOfWorkFactory) -> None:
    """Leaving a unit of work without commit discards its writes."""
    async with uow_factory() as uow:
        await uow.failures.add(a_failure())
        await uow.regions.add(a_region())
        await uow.users.add(a_user())

    async with uow_factory() as uow:
        assert await uow.failures.list() == []
        assert await uow.regions.all() == {}
        assert await uow.users.list() == []


async def test_changes_are_rolled_back_on_exception(uow_factory: UnitOfWorkFactory) -> None:
    """An exception escaping the unit of work discards its writes."""

    async def add_then_fail() -> None:
        async with uow_factory() as uow:
            await uow.failures.add(a_failure())
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await add_then_fail()

    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.failures.get("f-1")


async def test_explicit_rollback_discards_changes(uow_factory: UnitOfWorkFactory) -> None:
    """rollback() discards the writes so far; a later commit keeps only the later ones."""
    async with uow_factory() as uow:
        await uow.failures.add(a_failure("f-1"))
        await uow.rollback()
        await uow.failures.add(a_failure("f-2"))
        await uow.commit()

    async with uow_factory() as uow:
        assert [f.id for f in await uow.failures.list()] == ["f-2"]


async def test_writes_after_commit_need_another_commit(uow_factory: UnitOfWorkFactory) -> None:
    """After commit the unit of work goes on; its later writes are discarded unless committed."""
    async with uow_factory() as uow:
        await uow.failures.add(a_failure("f-1"))
        await uow.commit()
        await uow.failures.add(a_failure("f-2"))

    async with uow_factory() as uow:
        assert [f.id for f in await uow.failures.list()] == ["f-1"]
