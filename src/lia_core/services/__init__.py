"""Use cases (application services): one handler per command, wired by `Services.build`."""

from __future__ import annotations

import attrs

from lia_core.ports import Clock, IdGenerator, PasswordHasher, UnitOfWorkFactory
from lia_core.services.failures import (
    ActivateDueFailuresHandler,
    ChangeFailureStatus,
    ChangeFailureStatusHandler,
    CheckLocation,
    CheckLocationHandler,
    DeclareFailure,
    DeclareFailureHandler,
    FailureListing,
    FailureTab,
    GetFailureHandler,
    ListFailures,
    ListFailuresHandler,
)
from lia_core.services.regions import (
    DefineRegion,
    DefineRegionHandler,
    DeleteRegionHandler,
    GetRegionHandler,
    ListRegionsHandler,
    UpdateRegion,
    UpdateRegionHandler,
)
from lia_core.services.users import (
    Authenticate,
    AuthenticateHandler,
    CreateUser,
    CreateUserHandler,
    GetUserHandler,
    ListUsersHandler,
)

__all__ = [
    "Authenticate",
    "ChangeFailureStatus",
    "CheckLocation",
    "CreateUser",
    "DeclareFailure",
    "DefineRegion",
    "FailureListing",
    "FailureTab",
    "ListFailures",
    "Services",
    "UpdateRegion",
]


@attrs.frozen(kw_only=True)
class Services:
    """Every use case, ready to call; build once per process with `Services.build`."""

    declare_failure: DeclareFailureHandler
    change_failure_status: ChangeFailureStatusHandler
    get_failure: GetFailureHandler
    list_failures: ListFailuresHandler
    check_location: CheckLocationHandler
    activate_due_failures: ActivateDueFailuresHandler
    define_region: DefineRegionHandler
    update_region: UpdateRegionHandler
    delete_region: DeleteRegionHandler
    get_region: GetRegionHandler
    list_regions: ListRegionsHandler
    create_user: CreateUserHandler
    authenticate: AuthenticateHandler
    get_user: GetUserHandler
    list_users: ListUsersHandler

    @classmethod
    def build(
        cls,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        ids: IdGenerator,
        hasher: PasswordHasher,
    ) -> Services:
        """Wire every handler to the given ports."""
        return cls(
            declare_failure=DeclareFailureHandler(uow, clock, ids),
            change_failure_status=ChangeFailureStatusHandler(uow, clock),
            get_failure=GetFailureHandler(uow),
            list_failures=ListFailuresHandler(uow),
            check_location=CheckLocationHandler(uow),
            activate_due_failures=ActivateDueFailuresHandler(uow, clock),
            define_region=DefineRegionHandler(uow),
            update_region=UpdateRegionHandler(uow),
            delete_region=DeleteRegionHandler(uow),
            get_region=GetRegionHandler(uow),
            list_regions=ListRegionsHandler(uow),
            create_user=CreateUserHandler(uow, clock, ids, hasher),
            authenticate=AuthenticateHandler(uow, hasher, hasher.hash("decoy password")),
            get_user=GetUserHandler(uow),
            list_users=ListUsersHandler(uow),
        )
