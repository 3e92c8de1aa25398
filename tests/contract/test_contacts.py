"""The ContactRepository contract on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import attrs
import pytest

from lia_core.domain.recipients import Phone, ProviderIdentity
from lia_core.errors import NotFound
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.conversations import PHONE, a_contact


async def test_contact_round_trips_and_get_many_returns_the_known(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Every contact field survives; get_many ignores unknown phones; get of one raises NotFound."""
    contact = a_contact()
    async with uow_factory() as uow:
        await uow.contacts.save_many([contact])
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.contacts.get(Phone(PHONE)) == contact
        unknown = Phone("5521000000000")
        assert await uow.contacts.get_many([Phone(PHONE), unknown]) == {Phone(PHONE): contact}
        assert await uow.contacts.get_many([]) == {}
        with pytest.raises(NotFound):
            await uow.contacts.get(unknown)


async def test_contact_save_replaces_by_phone(uow_factory: UnitOfWorkFactory) -> None:
    """Saving a known phone replaces it; within one batch the last of a phone wins."""
    async with uow_factory() as uow:
        await uow.contacts.save_many([a_contact(), a_contact("5521988887777")])
        await uow.commit()
    moved = attrs.evolve(a_contact(name="Ana Maria"), addresses=(), address_source=None)
    async with uow_factory() as uow:
        await uow.contacts.save_many([a_contact(name="ignored"), moved])
        await uow.commit()

    async with uow_factory() as uow:
        found = await uow.contacts.get_many([Phone(PHONE), Phone("5521988887777")])
    assert found == {Phone(PHONE): moved, Phone("5521988887777"): a_contact("5521988887777")}


async def test_a_contact_known_by_provider_identity_round_trips(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A contact keyed by an ``@lid`` JID comes back keyed by that identity, not as a phone."""
    lid = ProviderIdentity("123456789012345@lid")
    contact = attrs.evolve(a_contact(), phone=lid)
    async with uow_factory() as uow:
        await uow.contacts.save_many([contact])
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.contacts.get(lid) == contact
        assert await uow.contacts.get_many([lid]) == {lid: contact}
