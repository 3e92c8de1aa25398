"""Fixtures of the contract suites beyond the shared ones in tests/conftest.py."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_core.ports import UnitOfWorkFactory


@pytest.fixture
def sql_uow_factory(migrated_engine: AsyncEngine) -> UnitOfWorkFactory:
    """Units of work on each real database, where overlapping transactions really overlap.

    The fake runs a unit of work without yielding, so it only overlaps another when the
    caller awaits in between; its commit then keeps the earlier writer's unique keys.
    """
    return SqlUnitOfWorkFactory(migrated_engine)
