"""The gate hands a conversation to the desk once; later messages never overwrite who holds it."""

from __future__ import annotations

from lia_core.assignment import Claim
from lia_core.domain.activity import Actor
from lia_core.domain.assignments import AssignmentState
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from tests.unit.core.assignment.harness import T0, Shift, add_user, shift


def _text(text: str, mid: str) -> InboundMessage:
    return InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=mid,
        sender=Phone("5531987654321"),
        reply_to="553187654321",
        sent_at=T0,
        text=text,
        display_name="Maria Souza",
    )


async def _receive(s: Shift, message: InboundMessage) -> None:
    report = await s.services.ingest([message])
    await s.services.process_inbound(report.new)


async def test_a_handoff_queues_the_conversation_and_later_messages_keep_its_holder() -> None:
    """First message: queued with its ticket; after a claim, new messages leave the claim as is."""
    s = shift()
    await add_user(s.uow, "ana")
    await _receive(s, _text("quero falar com atendente", "m1"))
    (cid,) = s.store.conversation_tables.conversations
    async with s.uow() as uow:
        queued = await uow.assignments.get(cid)
    assert queued.state is AssignmentState.QUEUED
    assert queued.department == "support"
    await s.services.claims.claim(Claim(conversation_id=cid, agent="ana", actor=Actor(name="ana")))
    s.clock.advance(minutes=1)
    await _receive(s, _text("alô? ainda estou sem internet", "m2"))
    async with s.uow() as uow:
        held = await uow.assignments.get(cid)
        ticket = (await uow.tickets.live_for_conversations({cid}))[cid]
        conversation = await uow.conversations.get(cid)
    assert held.assignee == "ana"
    assert held.state is AssignmentState.ASSIGNED
    assert ticket.assignee == "ana"  # the claim is on the ticket's timeline too
    assert conversation.version >= 2  # the gate did save the conversation meanwhile
