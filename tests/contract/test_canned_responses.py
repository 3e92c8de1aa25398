"""The CannedResponseRepository contract on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import attrs
import pytest

from lia_core.domain.canned import CannedResponse
from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.outages import T0


def a_response(key: str = "saudacao", *, template: str | None = None) -> CannedResponse:
    """A response with every field set (the WhatsApp template when given)."""
    return CannedResponse.create(
        key=key,
        title="Saudação",
        body="Olá {{contact.first_name}}, aqui é {{agent.name}}. Ticket {{ticket.id}}.",
        whatsapp_template=template,
        whatsapp_language="pt_BR",
        by="ana",
        at=T0,
    )


async def test_responses_round_trip_by_key(uow_factory: UnitOfWorkFactory) -> None:
    """Stored responses come back equal, listed by key; an unknown key is NotFound."""
    responses = [a_response("b", template="boas_vindas"), a_response("a"), a_response("c-1")]
    async with uow_factory() as uow:
        for response in responses:
            await uow.canned_responses.add(response)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.canned_responses.get("b") == responses[0]
        assert [r.key for r in await uow.canned_responses.list()] == ["a", "b", "c-1"]
        with pytest.raises(NotFound):
            await uow.canned_responses.get("zz")


async def test_a_taken_key_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    """Adding a key that is stored raises AlreadyExists and leaves the unit of work usable."""
    async with uow_factory() as uow:
        await uow.canned_responses.add(a_response())
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists):
            await uow.canned_responses.add(a_response())
        await uow.canned_responses.add(a_response("outra"))
        await uow.commit()
    async with uow_factory() as uow:
        assert len(await uow.canned_responses.list()) == 2


async def test_an_update_needs_the_version_it_read(uow_factory: UnitOfWorkFactory) -> None:
    """An update one version up is stored; one built on an older version is refused."""
    async with uow_factory() as uow:
        await uow.canned_responses.add(a_response())
        await uow.commit()
    stored = a_response()
    later = T0 + timedelta(hours=1)
    first = stored.changed(
        title="Oi", body="Oi!", whatsapp_template=None, whatsapp_language="en", by="bia", at=later
    )
    async with uow_factory() as uow:
        await uow.canned_responses.update(first)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.canned_responses.get("saudacao") == first
        with pytest.raises(ConcurrencyConflict):
            await uow.canned_responses.update(attrs.evolve(first, title="stale"))
        with pytest.raises(NotFound):
            await uow.canned_responses.update(attrs.evolve(first, key="nada", version=2))


async def test_removal_forgets_the_key(uow_factory: UnitOfWorkFactory) -> None:
    """A removed response is gone (and its key free again); removing twice is NotFound."""
    async with uow_factory() as uow:
        await uow.canned_responses.add(a_response())
        await uow.commit()
    async with uow_factory() as uow:
        await uow.canned_responses.remove("saudacao")
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.canned_responses.list()) == []
        with pytest.raises(NotFound):
            await uow.canned_responses.remove("saudacao")
        await uow.canned_responses.add(a_response())
        await uow.commit()


async def test_an_uncommitted_change_is_not_seen(uow_factory: UnitOfWorkFactory) -> None:
    """Rolled back: the add leaves nothing behind."""
    async with uow_factory() as uow:
        await uow.canned_responses.add(a_response())
    async with uow_factory() as uow:
        assert list(await uow.canned_responses.list()) == []


async def test_two_concurrent_updates_one_wins(sql_uow_factory: UnitOfWorkFactory) -> None:
    """Two transactions updating the same version: one commits, the other is refused."""
    async with sql_uow_factory() as uow:
        await uow.canned_responses.add(a_response())
        await uow.commit()

    async def update(title: str) -> str:
        changed = a_response().changed(
            title=title,
            body="x",
            whatsapp_template=None,
            whatsapp_language="pt_BR",
            by=title,
            at=T0,
        )
        try:
            async with sql_uow_factory() as uow:
                await uow.canned_responses.update(changed)
                await asyncio.sleep(0.05)
                await uow.commit()
        except ConcurrencyConflict:
            return "lost"
        return "won"

    results = await asyncio.gather(update("um"), update("dois"))
    assert sorted(results) == ["lost", "won"]


async def test_template_header_and_buttons_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    """A response with a header and buttons comes back equal after add and after update;
    one updated without them loses them."""
    with_parts = CannedResponse.create(
        key="fatura",
        title="Fatura",
        body="Olá {{contact.first_name}}",
        whatsapp_template="fatura_pronta",
        whatsapp_header=TemplateHeader.of(
            "document", "https://isp.example/f/{{ticket.id}}.pdf", filename="fatura.pdf"
        ),
        whatsapp_buttons=(TemplateButton.of("url", 0, "boleto/{{ticket.id}}"),),
        by="ana",
        at=T0,
    )
    async with uow_factory() as uow:
        await uow.canned_responses.add(with_parts)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.canned_responses.get("fatura") == with_parts
    changed = with_parts.changed(
        title="Fatura",
        body="Olá",
        whatsapp_template="fatura_pronta",
        whatsapp_language="pt_BR",
        whatsapp_header=TemplateHeader.of("text", "Fatura de {{contact.first_name}}"),
        whatsapp_buttons=(TemplateButton.of("quick_reply", 2, "falar"),),
        by="ana",
        at=T0 + timedelta(minutes=1),
    )
    async with uow_factory() as uow:
        await uow.canned_responses.update(changed)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.canned_responses.get("fatura") == changed
    bare = changed.changed(
        title="Fatura",
        body="Olá",
        whatsapp_template=None,
        whatsapp_language="pt_BR",
        by="ana",
        at=T0 + timedelta(minutes=2),
    )
    async with uow_factory() as uow:
        await uow.canned_responses.update(bare)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.canned_responses.get("fatura")
    assert (stored.whatsapp_header, stored.whatsapp_buttons) == (None, ())
