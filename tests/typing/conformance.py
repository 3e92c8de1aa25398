"""Never executed: mypy checks here that each adapter satisfies the port it implements."""

from __future__ import annotations

from lia_adapters.sql import (
    SqlFailureRepository,
    SqlRegionCatalogue,
    SqlUnitOfWork,
    SqlUnitOfWorkFactory,
    SqlUserRepository,
)
from lia_core.ports import (
    FailureRepository,
    RegionCatalogue,
    UnitOfWork,
    UnitOfWorkFactory,
    UserRepository,
)

# SQL persistence (lia_adapters.sql)
_sql_uow: type[UnitOfWork] = SqlUnitOfWork
_sql_uow_factory: type[UnitOfWorkFactory] = SqlUnitOfWorkFactory
_sql_failures: type[FailureRepository] = SqlFailureRepository
_sql_regions: type[RegionCatalogue] = SqlRegionCatalogue
_sql_users: type[UserRepository] = SqlUserRepository
