"""Seeding the desk for the console's inbox and agents tests: customers handed to humans,
agents with departments and presence, offers from the worker's tick."""

from __future__ import annotations

from lia_core.assignment import SetAgent
from lia_core.domain.activity import Actor
from lia_core.domain.agents import Presence
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_core.domain.users import Role
from lia_core.services import CreateUser
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import NOW, PASSWORD

SUPERVISOR = Actor(name="supervisao")


async def handed(
    runtime: Runtime, phone: str, name: str, text: str = "quero falar com atendente"
) -> str:
    """A customer writes asking for a person: the bot hands the conversation to the desk."""
    message = InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=f"m-{phone}",
        sender=Phone(phone),
        reply_to=phone,
        sent_at=NOW,
        text=text,
        display_name=name,
    )
    report = await runtime.services.ingest([message])
    await runtime.services.process_inbound(report.new)
    async with runtime.uow() as uow:
        (conversation,) = await uow.conversations.list(contact_phone=phone)
    return conversation.id


async def agent(
    runtime: Runtime,
    username: str,
    *departments: str,
    role: Role = Role.AGENT,
    create: bool = True,
    online: bool = False,
) -> None:
    """An account (unless it exists) working in *departments*; *online* sends a heartbeat."""
    if create:
        await runtime.services.create_user(
            CreateUser(actor="tester", username=username, role=role, password=PASSWORD)
        )
    await runtime.services.agents.set(
        SetAgent(username=username, actor=SUPERVISOR, departments=departments)
    )
    if online:
        user = await runtime.services.get_user(username)
        await runtime.services.agents.heartbeat(user, Presence.ONLINE, Actor(name=username))
