"""Use cases on a staff account's access: change the password (which ends every token and
console session issued before), disable and enable the account (audited)."""

from __future__ import annotations

import attrs

from lia_core.domain.activity import Actor, as_actor
from lia_core.domain.users import Role, User, validate_password, validate_username
from lia_core.errors import DomainError
from lia_core.ports import Clock, IdGenerator, PasswordHasher, UnitOfWorkFactory
from lia_core.services.activity import record
from lia_core.services.sign_in import Authenticate, AuthenticateHandler

__all__ = [
    "ChangePassword",
    "ChangePasswordHandler",
    "LastActiveAdmin",
    "SetUserActive",
    "SetUserActiveHandler",
]


class LastActiveAdmin(DomainError):
    """Disabling this account would leave no active ADMIN to manage the others."""


@attrs.frozen(kw_only=True)
class ChangePassword:
    """Set an account's password; *current* is required when people change their own
    (the API), None when an operator resets it (`lia user password`)."""

    username: str
    new_password: str = attrs.field(repr=False)
    actor: Actor = attrs.field(converter=as_actor)
    current_password: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class ChangePasswordHandler:
    """Check, hash and store the new password; bump the credentials version (older tokens
    and console sessions are refused from then on); audit `user.password`."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    hasher: PasswordHasher
    authenticate: AuthenticateHandler
    """Checks the current password behind the login throttle (a stolen token must not
    become an unthrottled password oracle)."""

    async def __call__(self, cmd: ChangePassword) -> User:
        """Return the account; NotFound, ValidationError (field ``password``),
        AuthenticationFailed when the current password is wrong, LoginThrottled."""
        username = validate_username(cmd.username)
        password = validate_password(cmd.new_password)
        if cmd.current_password is not None:
            await self.authenticate(
                Authenticate(
                    username=username,
                    password=cmd.current_password,
                    address=cmd.actor.ip,
                    user_agent=cmd.actor.user_agent,
                )
            )
        async with self.uow() as uow:
            user = await uow.users.get_by_username(username)
            user.password_hash = self.hasher.hash(password)
            user.credentials_version += 1
            await uow.users.update(user)
            await record(
                uow,
                self.ids,
                cmd.actor,
                at=self.clock.now(),
                action="user.password",
                entity="user",
                entity_id=user.username,
                reason="own" if cmd.current_password is not None else "reset",
            )
            await uow.commit()
        return user


@attrs.frozen(kw_only=True)
class SetUserActive:
    """Disable (``active=False``) or enable an account."""

    username: str
    active: bool
    actor: Actor = attrs.field(converter=as_actor)


@attrs.frozen
class SetUserActiveHandler:
    """Flip the account's state with a `user.disable` / `user.enable` audit entry; a disabled
    account's tokens and sessions are refused on their next request (the account is re-read)."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self, cmd: SetUserActive) -> User:
        """Return the account; NotFound, or LastActiveAdmin for the only active ADMIN."""
        username = validate_username(cmd.username)
        async with self.uow() as uow:
            user = await uow.users.get_by_username(username)
            if user.is_active == cmd.active:
                return user  # already so: nothing to change or audit
            if not cmd.active and user.role is Role.ADMIN:
                admins = [u for u in await uow.users.list() if u.role is Role.ADMIN and u.is_active]
                if len(admins) <= 1:
                    raise LastActiveAdmin(
                        f"{user.username} is the only active ADMIN; make another ADMIN first"
                    )
            before = "active" if user.is_active else "disabled"
            user.is_active = cmd.active
            await uow.users.update(user)
            await record(
                uow,
                self.ids,
                cmd.actor,
                at=self.clock.now(),
                action="user.enable" if cmd.active else "user.disable",
                entity="user",
                entity_id=user.username,
                from_state=before,
                to_state="active" if cmd.active else "disabled",
            )
            await uow.commit()
        return user
