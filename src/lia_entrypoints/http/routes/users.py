"""`/api/v1/users`: staff accounts and their contact fields (reading: managers; changing,
disabling and enabling: ADMIN)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import JSONBody, PathParameter

from lia_core.services import SetUserActive
from lia_entrypoints.http.auth import admins_only, managers_only
from lia_entrypoints.http.context import AuthRequest, ServicesDep, TzDep, actor_of
from lia_entrypoints.http.dto.users import USERNAME_PATTERN, UserUpdateIn
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.users import UserOut

__all__ = ["UserController"]

UsernamePath = Annotated[
    str, PathParameter(pattern=USERNAME_PATTERN, description="The account's username.")
]


class UserController(Controller):
    """Staff accounts."""

    path = "/users"
    tags = ["users"]

    @get(
        "/",
        guards=[managers_only],
        summary="List staff accounts",
        responses=problem_responses(401, 403),
    )
    async def list_users(self, services: ServicesDep, tz: TzDep) -> list[UserOut]:
        """Every account with its contact fields, by username."""
        return [UserOut.of(u, tz) for u in await services.list_users()]

    @get(
        "/{username:str}",
        guards=[managers_only],
        summary="Get a staff account",
        responses=problem_responses(401, 403, 404, 422),
    )
    async def get_user(self, username: UsernamePath, services: ServicesDep, tz: TzDep) -> UserOut:
        """One account with its contact fields."""
        return UserOut.of(await services.get_user(username), tz)

    @patch(
        "/{username:str}",
        guards=[admins_only],
        summary="Change a staff account's contact fields",
        responses=problem_responses(401, 403, 404, 422),
    )
    async def update_user(
        self,
        username: UsernamePath,
        data: JSONBody[UserUpdateIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
    ) -> UserOut:
        """Set the full name, phone, push token or departments; fields left out stay."""
        command = data.to_command(username, actor_of(request))
        return UserOut.of(await services.update_user(command), tz)

    @post(
        "/{username:str}/disable",
        status_code=200,
        guards=[admins_only],
        summary="Disable a staff account",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def disable_user(
        self, username: UsernamePath, request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> UserOut:
        """The account can no longer sign in and its tokens are refused at once; 409 for the
        only active ADMIN."""
        command = SetUserActive(username=username, active=False, actor=actor_of(request))
        return UserOut.of(await services.set_user_active(command), tz)

    @post(
        "/{username:str}/enable",
        status_code=200,
        guards=[admins_only],
        summary="Enable a staff account",
        responses=problem_responses(401, 403, 404, 422),
    )
    async def enable_user(
        self, username: UsernamePath, request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> UserOut:
        """The account may sign in again."""
        command = SetUserActive(username=username, active=True, actor=actor_of(request))
        return UserOut.of(await services.set_user_active(command), tz)
