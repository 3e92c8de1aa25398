"""The UserRepository contract on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from lia_core.domain.recipients import Phone
from lia_core.domain.users import Role
from lia_core.errors import AlreadyExists, NotFound
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.outages import T0, a_user

DAY = timedelta(days=1)


async def test_user_round_trips(uow_factory: UnitOfWorkFactory) -> None:
    """A stored account, disabled or not, comes back equal."""
    active = a_user("ana.souza")
    disabled = attrs.evolve(a_user("bruno"), role=Role.AGENT, is_active=False)
    async with uow_factory() as uow:
        await uow.users.add(active)
        await uow.users.add(disabled)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get_by_username("ana.souza") == active
        assert await uow.users.get_by_username("bruno") == disabled


async def test_add_duplicate_username_raises_already_exists(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Adding an account whose username is taken raises AlreadyExists, whatever its id."""
    async with uow_factory() as uow:
        await uow.users.add(a_user("ana.souza", user_id="u-1"))
        await uow.commit()

    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists) as raised:
            await uow.users.add(a_user("ana.souza", user_id="u-2"))
    assert (raised.value.entity, raised.value.entity_id) == ("user", "ana.souza")


async def test_get_missing_user_raises_not_found(uow_factory: UnitOfWorkFactory) -> None:
    """Getting an unknown username raises NotFound."""
    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.users.get_by_username("ninguem")


async def test_users_are_listed_by_username(uow_factory: UnitOfWorkFactory) -> None:
    """list() orders accounts by username in code-point order, punctuation included."""
    names = ["anabela", "ana_paula", "ana.souza", "ana2", "ana-lima", "bruno"]
    async with uow_factory() as uow:
        for name in names:
            await uow.users.add(a_user(name))
        await uow.commit()

    async with uow_factory() as uow:
        listed = await uow.users.list()
    assert [u.username for u in listed] == sorted(names)
    assert listed[0] == a_user("ana-lima")


async def test_contact_fields_round_trip_and_update(uow_factory: UnitOfWorkFactory) -> None:
    """update() saves name, phone, push token and departments; the id and creation stay."""
    async with uow_factory() as uow:
        await uow.users.add(a_user("ana.souza"))
        await uow.commit()

    async with uow_factory() as uow:
        user = await uow.users.get_by_username("ana.souza")
        assert (user.full_name, user.phone, user.push_token, user.departments) == (
            None,
            None,
            None,
            frozenset(),
        )
        changed = attrs.evolve(
            user,
            full_name="Ana Souza",
            phone=Phone.stored("5521999998888"),
            push_token="fcm:abc",
            departments=frozenset({"support", "financial"}),
            role=Role.ADMIN,
        )
        await uow.users.update(attrs.evolve(changed, id="other-id", created_at=T0 + DAY))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get_by_username("ana.souza") == changed


async def test_update_uncommitted_is_rolled_back(uow_factory: UnitOfWorkFactory) -> None:
    """An update left uncommitted is not seen by the next unit of work."""
    async with uow_factory() as uow:
        await uow.users.add(a_user("ana.souza"))
        await uow.commit()
    async with uow_factory() as uow:
        user = await uow.users.get_by_username("ana.souza")
        await uow.users.update(attrs.evolve(user, departments=frozenset({"support"})))
    async with uow_factory() as uow:
        assert (await uow.users.get_by_username("ana.souza")).departments == frozenset()


async def test_update_missing_user_raises_not_found(uow_factory: UnitOfWorkFactory) -> None:
    """Updating an unknown username raises NotFound naming it."""
    async with uow_factory() as uow:
        with pytest.raises(NotFound) as raised:
            await uow.users.update(a_user("ninguem"))
    assert raised.value.entity_id == "ninguem"
