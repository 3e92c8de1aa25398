"""A conversation through the desk with the replies and realtime events beside it.

The gate hands it over; a claim sends the `agent_welcome` (when there is one) and publishes
`conversation.assigned`; the holder's first reply stops the return timer; a release publishes
`conversation.released`; the worker's offer publishes `conversation.offered`; heartbeats and
the presence sweep publish `agent.presence`; a transfer publishes `conversation.transferred`.
"""

from __future__ import annotations

from datetime import timedelta

from lia_core.assignment import AssignmentPolicy, Claim, Release, SetAgent, Transfer
from lia_core.desk.commands import Resolve
from lia_core.domain.activity import ActivityFilter, Actor
from lia_core.domain.agents import Presence
from lia_core.domain.assignments import AssignmentState
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.realtime import RealtimeKind
from lia_core.domain.recipients import Phone
from lia_core.domain.users import Role
from lia_core.services import Reply, SaveCannedResponse
from tests.unit.core.assignment.harness import T0, Shift, add_user, shift

ANA = Actor(name="ana")


async def _handed(s: Shift) -> str:
    message = InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id="m1",
        sender=Phone("5531987654321"),
        reply_to="553187654321",
        sent_at=T0,
        text="quero falar com atendente",
        display_name="Maria Souza",
    )
    report = await s.services.ingest([message])
    await s.services.process_inbound(report.new)
    (cid,) = s.store.conversation_tables.conversations
    return cid


def _kinds(s: Shift) -> list[RealtimeKind]:
    return [
        e.kind
        for e in s.store.bus.delivered
        if e.kind.value.split(".")[0] in {"conversation", "agent"}
    ]


async def test_claim_welcome_reply_release_offer_and_presence_events() -> None:
    """Each move is published once, with references only; the reply stops the return timer."""
    s = shift(AssignmentPolicy(return_after=timedelta(minutes=5)))
    await add_user(s.uow, "ana")
    await add_user(s.uow, "bia")
    await add_user(s.uow, "sup", role=Role.SUPERVISOR)
    cid = await _handed(s)
    await s.services.canned.create(
        SaveCannedResponse(key="agent_welcome", title="oi", body="Oi, aqui é {{agent.name}}."), ANA
    )
    await s.services.claims.claim(Claim(conversation_id=cid, agent="ana", actor=ANA))
    welcomes = [j for j in s.store.jobs.values() if j.context.source == "agent-welcome"]
    assert len(welcomes) == 1
    (assigned,) = [e for e in s.store.bus.delivered if e.kind is RealtimeKind.CONVERSATION_ASSIGNED]
    assert (assigned.conversation_id, assigned.agent, assigned.department) == (
        cid,
        "ana",
        "support",
    )
    ana = await s.services.get_user("ana")
    await s.services.replies.reply(Reply(conversation_id=cid, text="Olá!"), author=ana, actor=ANA)
    async with s.uow() as uow:
        held = await uow.assignments.get(cid)
    assert held.first_human_reply_at == T0
    assert held.return_due_at is None
    s.clock.advance(minutes=6)
    assert (await s.services.assignment_tick()).returned == 0
    await s.services.claims.release(Release(conversation_id=cid, by="ana", actor=ANA))
    for name in ("ana", "bia"):
        await s.services.agents.set(SetAgent(username=name, actor=ANA, capacity=1))
        user = await s.services.get_user(name)
        await s.services.agents.heartbeat(user, Presence.ONLINE, Actor(name=name))
    await s.services.assignment_tick()
    await s.services.claims.transfer(
        Transfer(
            conversation_id=cid,
            by="sup",
            actor=Actor(name="sup"),
            reason="boleto",
            to_department="financial",
        )
    )
    s.clock.advance(minutes=2)
    await s.services.assignment_tick()  # both silent for 2 minutes: offline
    assert _kinds(s) == [
        RealtimeKind.CONVERSATION_ASSIGNED,
        RealtimeKind.CONVERSATION_RELEASED,
        RealtimeKind.AGENT_PRESENCE,
        RealtimeKind.AGENT_PRESENCE,
        RealtimeKind.CONVERSATION_OFFERED,
        RealtimeKind.CONVERSATION_TRANSFERRED,
        RealtimeKind.AGENT_PRESENCE,
        RealtimeKind.AGENT_PRESENCE,
    ]
    offered = next(e for e in s.store.bus.delivered if e.kind is RealtimeKind.CONVERSATION_OFFERED)
    assert offered.expires_at == offered.at + timedelta(seconds=120)
    moved = next(
        e for e in s.store.bus.delivered if e.kind is RealtimeKind.CONVERSATION_TRANSFERRED
    )
    assert (moved.department, moved.previous_department) == ("financial", "support")
    gone = [e.status for e in s.store.bus.delivered if e.kind is RealtimeKind.AGENT_PRESENCE]
    assert gone == ["online", "online", "offline", "offline"]


async def _write(s: Shift, text: str, mid: str) -> None:
    message = InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=mid,
        sender=Phone("5531987654321"),
        reply_to="553187654321",
        sent_at=s.clock.now(),
        text=text,
        display_name="Maria Souza",
    )
    report = await s.services.ingest([message])
    await s.services.process_inbound(report.new)


async def _resolve(s: Shift, cid: str) -> None:
    async with s.uow() as uow:
        ticket = (await uow.tickets.live_for_conversations({cid}))[cid]
    await s.services.desk.act(ticket.id, Resolve(reason="resolvido"), Actor(name="sup"))


async def test_a_reopened_conversation_goes_back_to_its_agent_only_if_online() -> None:
    """Resolved, it leaves the desk; reopened by the customer, its online agent keeps it,
    an offline one loses it to the queue with the reason recorded (Chatwoot #4158)."""
    s = shift()
    await add_user(s.uow, "ana")
    await add_user(s.uow, "sup", role=Role.SUPERVISOR)
    cid = await _handed(s)
    await s.services.agents.heartbeat(await s.services.get_user("ana"), Presence.ONLINE, ANA)
    await s.services.claims.claim(Claim(conversation_id=cid, agent="ana", actor=ANA))
    await _resolve(s, cid)
    async with s.uow() as uow:
        assert (await uow.assignments.get(cid)).state is AssignmentState.CLOSED
        assert (await uow.assignments.counts("ana")) == []
    s.clock.advance(seconds=10)
    await _write(s, "voltou a cair", "m2")
    async with s.uow() as uow:
        kept = await uow.assignments.get(cid)
    assert kept.assignee == "ana"
    assert kept.reason.startswith("reopened: ana is online")
    await _resolve(s, cid)
    s.clock.advance(minutes=5)  # ana's heartbeat is long gone
    await _write(s, "caiu de novo", "m3")
    async with s.uow() as uow:
        routed = await uow.assignments.get(cid)
        entries = await uow.activity.list(ActivityFilter(entity_id=cid), limit=20)
    assert routed.state is AssignmentState.QUEUED
    assert routed.previous_assignee == "ana"
    reopens = [e.reason for e in entries if e.action == "conversation.reopen"]
    assert reopens == [
        "reopened: ana is offline, routed again",
        "reopened: ana is online and keeps it",
    ]
