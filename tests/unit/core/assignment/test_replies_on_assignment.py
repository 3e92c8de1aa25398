"""Replies meet assignment: the `agent_welcome` canned response when an agent takes a conversation
(claim, supervisor assignment, transfer to an agent), in the same transaction; never when it
does not exist, and an assignment never fails for it; the holder's first reply stops the
return timer."""

from __future__ import annotations

from collections.abc import Sequence

from lia_core.assignment import Assign, Claim, Release, Transfer
from lia_core.domain.activity import ActivityFilter, Actor
from lia_core.domain.delivery import Channel, OutboundJob
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_core.domain.users import Role
from lia_core.services import Reply, SaveCannedResponse
from tests.unit.core.assignment.harness import ADMIN, T0, Shift, add_user, queue, shift


async def _handed(s: Shift) -> str:
    """A customer's message the human queue takes (ticket and assignment in "support")."""
    message = InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id="wamid.1",
        sender=Phone("5511987654321"),
        reply_to="5511987654321",
        sent_at=T0,
        text="quero falar com um atendente",
        display_name="Maria Clara",
    )
    report = await s.services.ingest([message])
    await s.services.process_inbound(report.new)
    async with s.uow() as uow:
        (conversation,) = await uow.conversations.list(limit=5)
    return conversation.id


async def _welcomes(s: Shift) -> Sequence[OutboundJob]:
    async with s.uow() as uow:
        jobs = await uow.outbox.list(status=None, recipient=None, limit=100)
    return [j for j in jobs if j.context.source == "agent-welcome"]


async def _welcome_template(s: Shift) -> None:
    command = SaveCannedResponse(
        key="agent_welcome",
        title="Boas-vindas",
        body="Oi {{contact.first_name}}, sou {{agent.name}}.",
    )
    await s.services.canned.create(command, ADMIN)


async def test_no_welcome_template_no_message() -> None:
    """Without an agent_welcome canned response a claim queues nothing for the customer."""
    s = shift()
    await add_user(s.uow, "ana")
    cid = await _handed(s)
    await s.services.claims.claim(Claim(conversation_id=cid, agent="ana", actor=Actor(name="ana")))
    assert await _welcomes(s) == []


async def test_each_new_holder_is_introduced() -> None:
    """Claim, release, supervisor assignment and transfer to an agent: each new holder's
    welcome is queued with their name and audited; a release sends nothing."""
    s = shift()
    await add_user(s.uow, "ana")
    await add_user(s.uow, "bia")
    await add_user(s.uow, "sup", role=Role.SUPERVISOR)
    cid = await _handed(s)
    await _welcome_template(s)
    claims = s.services.claims
    await claims.claim(Claim(conversation_id=cid, agent="ana", actor=Actor(name="ana")))
    await claims.release(Release(conversation_id=cid, by="ana", actor=Actor(name="ana")))
    await claims.assign(Assign(conversation_id=cid, agent="bia", by="sup", actor=Actor(name="sup")))
    await claims.transfer(
        Transfer(
            conversation_id=cid,
            by="bia",
            actor=Actor(name="bia"),
            reason="volta para a Ana",
            to_agent="ana",
        )
    )
    texts = [j.content.text or "" for j in await _welcomes(s)]
    assert sorted(texts) == ["Oi Maria, sou ana.", "Oi Maria, sou ana.", "Oi Maria, sou bia."]
    async with s.uow() as uow:
        entries = await uow.activity.list(ActivityFilter(entity_id=cid), limit=20)
    welcomed = [e.details["agent"] for e in entries if e.action == "conversation.welcome"]
    assert sorted(welcomed) == ["ana", "ana", "bia"]


async def test_an_assignment_without_its_conversation_still_happens() -> None:
    """A queued assignment whose conversation is not stored is claimed; no welcome is sent."""
    s = shift()
    await add_user(s.uow, "ana")
    await queue(s.uow, "c-1")
    await _welcome_template(s)
    done = await s.services.claims.claim(
        Claim(conversation_id="c-1", agent="ana", actor=Actor(name="ana"))
    )
    assert done.assignee == "ana"
    assert await _welcomes(s) == []


async def test_the_holders_first_reply_stops_the_return_timer() -> None:
    """A claimed conversation has a return due time; its holder's reply clears it (another
    writer's reply does not), and the holder may write even outside their departments."""
    s = shift()
    await add_user(s.uow, "ana", departments=("financial",))
    await add_user(s.uow, "sup", role=Role.SUPERVISOR)
    cid = await _handed(s)
    await s.services.claims.assign(
        Assign(conversation_id=cid, agent="ana", by="sup", actor=Actor(name="sup"))
    )
    async with s.uow() as uow:
        assert (await uow.assignments.get(cid)).return_due_at is not None
    supervisor = await s.services.get_user("sup")
    await s.services.replies.reply(
        Reply(conversation_id=cid, text="um momento"), author=supervisor, actor=Actor(name="sup")
    )
    async with s.uow() as uow:
        assert (await uow.assignments.get(cid)).first_human_reply_at is None
    ana = await s.services.get_user("ana")
    await s.services.replies.reply(
        Reply(conversation_id=cid, text="Olá!"), author=ana, actor=Actor(name="ana")
    )
    async with s.uow() as uow:
        held = await uow.assignments.get(cid)
    assert (held.first_human_reply_at, held.return_due_at) == (s.clock.now(), None)
    await s.services.replies.note(cid, "ligar depois", author=ana, actor=Actor(name="ana"))
