"""Use cases for staff accounts: create, update contact fields, list (signing in: sign_in.py)."""

from __future__ import annotations

import attrs

from lia_core.domain.activity import Activity, Actor, as_actor
from lia_core.domain.recipients import Phone
from lia_core.domain.users import (
    Role,
    User,
    validate_departments,
    validate_full_name,
    validate_new_username,
    validate_password,
    validate_push_token,
    validate_username,
)
from lia_core.ports import Clock, IdGenerator, PasswordHasher, UnitOfWorkFactory
from lia_core.services.activity import record

__all__ = [
    "CreateUser",
    "CreateUserHandler",
    "GetUserHandler",
    "ListUsersHandler",
    "UpdateUser",
    "UpdateUserHandler",
]


@attrs.frozen(kw_only=True)
class CreateUser:
    """Create a staff account."""

    username: str
    role: Role
    password: str = attrs.field(repr=False)
    actor: Actor = attrs.field(converter=as_actor)


@attrs.frozen(kw_only=True)
class UpdateUser:
    """Change a staff account's contact fields; None leaves a field as it is.

    An empty text clears a field (`phone=""`, `full_name=""`); `departments=()` clears the list.
    """

    username: str
    actor: Actor
    full_name: str | None = None
    phone: str | None = None
    push_token: str | None = attrs.field(default=None, repr=False)
    departments: tuple[str, ...] | None = None
    participates_in_gamification: bool | None = None
    """Off leaves the person out of the gamification ranking."""


@attrs.frozen
class CreateUserHandler:
    """Validate, hash the password and store the account."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    hasher: PasswordHasher

    async def __call__(self, cmd: CreateUser) -> User:
        """Return the new user; raises AlreadyExists when the username is taken."""
        user = User(
            id=self.ids.new_id(),
            username=validate_new_username(cmd.username),
            role=cmd.role,
            password_hash=self.hasher.hash(validate_password(cmd.password)),
            created_at=self.clock.now(),
        )
        async with self.uow() as uow:
            await uow.users.add(user)
            await record(
                uow,
                self.ids,
                cmd.actor,
                at=user.created_at,
                action="user.create",
                entity="user",
                entity_id=user.username,
                to_state=user.role.value,
            )
            await uow.commit()
        return user


@attrs.frozen
class UpdateUserHandler:
    """Validate the given contact fields and save them, with a `user.update` audit entry."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self, cmd: UpdateUser) -> User:
        """Return the updated user; raises NotFound, or ValidationError naming the field."""
        username = validate_username(cmd.username)
        full_name = validate_full_name(cmd.full_name)
        phone = Phone.parse(cmd.phone, field="phone") if cmd.phone and cmd.phone.strip() else None
        push_token = validate_push_token(cmd.push_token)
        departments = validate_departments(cmd.departments or ())
        async with self.uow() as uow:
            user = await uow.users.get_by_username(username)
            before = _contact(user)
            if cmd.full_name is not None:
                user.full_name = full_name
            if cmd.phone is not None:
                user.phone = phone
            if cmd.push_token is not None:
                user.push_token = push_token
            if cmd.departments is not None:
                user.departments = departments
            if cmd.participates_in_gamification is not None:
                user.participates_in_gamification = cmd.participates_in_gamification
            await uow.users.update(user)
            await uow.activity.add(
                Activity.of(
                    cmd.actor,
                    id=self.ids.new_id(),
                    at=self.clock.now(),
                    action="user.update",
                    entity="user",
                    entity_id=user.username,
                    from_state=before,
                    to_state=_contact(user),
                )
            )
            await uow.commit()
        return user


def _contact(user: User) -> str:
    """The contact fields as the audit log shows them (never the push token itself)."""
    return "; ".join(
        [
            f"full_name={user.full_name or '-'}",
            f"phone={user.phone or '-'}",
            f"push_token={'set' if user.push_token else '-'}",
            f"departments={','.join(sorted(user.departments)) or '-'}",
            f"gamification={'on' if user.participates_in_gamification else 'off'}",
        ]
    )


@attrs.frozen
class GetUserHandler:
    """Load an account by username."""

    uow: UnitOfWorkFactory

    async def __call__(self, username: str) -> User:
        """Return the user or raise NotFound."""
        async with self.uow() as uow:
            return await uow.users.get_by_username(username.strip().lower())


@attrs.frozen
class ListUsersHandler:
    """List staff accounts."""

    uow: UnitOfWorkFactory

    async def __call__(self) -> tuple[User, ...]:
        """Every account, by username."""
        async with self.uow() as uow:
            return tuple(await uow.users.list())
