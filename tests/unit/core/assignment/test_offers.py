"""Offers with a time limit, presence and the away rule, over the fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lia_core.assignment import AnswerOffer, AssignmentPolicy, AwayRule, Claim, SetAgent, Strategy
from lia_core.domain.activity import ActivityFilter, Actor
from lia_core.domain.agents import Presence
from lia_core.domain.assignments import AssignmentState, OfferStatus
from lia_core.domain.tickets import Priority
from lia_core.errors import InvalidTransition, NotPermitted
from tests.unit.core.assignment.harness import T0, Shift, add_user, queue, shift


async def _online(s: Shift, *names: str, capacity: int = 2) -> None:
    for name in names:
        await add_user(s.uow, name)
        await s.services.agents.set(
            SetAgent(username=name, actor=Actor(name="admin"), capacity=capacity)
        )
        await s.services.agents.heartbeat(
            await s.services.get_user(name), Presence.ONLINE, Actor(name=name)
        )


async def test_offers_go_round_robin_to_online_agents_under_capacity_in_queue_order() -> None:
    """Urgent first; each online agent gets offers up to capacity; offline agents get none."""
    s = shift()
    await _online(s, "ana", "bia", capacity=1)
    await add_user(s.uow, "cai")  # never heard from: offline
    await queue(s.uow, "c-low", priority=Priority.LOW)
    await queue(s.uow, "c-old", at=T0 - timedelta(minutes=9))
    await queue(s.uow, "c-vip", vip=True)
    report = await s.services.assignment_tick()
    assert report.offered == 2
    async with s.uow() as uow:
        held = await uow.assignments.get_many(["c-low", "c-old", "c-vip"])
        offers = {
            a: [o.conversation_id for o in await uow.offers.pending_for(a)]
            for a in ("ana", "bia", "cai")
        }
    assert held["c-low"].state is AssignmentState.QUEUED
    assert sorted(offers["ana"] + offers["bia"]) == ["c-old", "c-vip"]
    assert offers["cai"] == []
    assert (await s.services.assignment_tick()).offered == 0  # everyone is at capacity


async def test_an_offer_times_out_then_goes_to_the_next_candidate_and_counts() -> None:
    """After the time limit the offer times out (counted), and the next agent is offered it."""
    s = shift(AssignmentPolicy(offer_timeout=timedelta(seconds=30), strategy=Strategy.LEAST_LOAD))
    await _online(s, "ana", "bia")
    await queue(s.uow, "c-1")
    await s.services.assignment_tick()
    async with s.uow() as uow:
        first = (await uow.assignments.get("c-1")).offer_id
        assert first is not None
        offer = await uow.offers.get(first)
    s.clock.advance(seconds=20)
    for name in ("ana", "bia"):  # the heartbeat keeps both online
        await s.services.agents.heartbeat(
            await s.services.get_user(name), Presence.ONLINE, Actor(name=name)
        )
    s.clock.advance(seconds=15)
    report = await s.services.assignment_tick()
    assert report.timed_out == 1
    assert report.offered == 1
    async with s.uow() as uow:
        again = await uow.assignments.get("c-1")
        second = await uow.offers.get(again.offer_id or "")
        stale = await uow.offers.get(first)
    assert stale.status is OfferStatus.TIMED_OUT
    assert second.agent != offer.agent
    views = {v.user.username: v.profile for v in await s.services.agents.list()}
    assert views[offer.agent].offers_timed_out == 1
    assert views[second.agent].offers_offered == 1
    with pytest.raises(InvalidTransition) as late:
        await s.services.claims.answer(
            AnswerOffer(
                offer_id=first, agent=offer.agent, accept=True, actor=Actor(name=offer.agent)
            )
        )
    # Read as a sentence (it was "cannot accepted offer …: it is timed_out").
    assert str(late.value) == f"cannot accept offer {first}: it is timed out"
    with pytest.raises(NotPermitted):
        await s.services.claims.answer(
            AnswerOffer(
                offer_id=second.id, agent=offer.agent, accept=True, actor=Actor(name=offer.agent)
            )
        )
    taken = await s.services.claims.answer(
        AnswerOffer(
            offer_id=second.id, agent=second.agent, accept=True, actor=Actor(name=second.agent)
        )
    )
    assert taken.status is OfferStatus.ACCEPTED
    async with s.uow() as uow:
        assert (await uow.assignments.get("c-1")).assignee == second.agent
    views = {v.user.username: v.profile for v in await s.services.agents.list()}
    assert views[second.agent].offers_accepted == 1
    assert views[second.agent].load == 1


async def test_a_rejected_offer_moves_on_and_a_claim_cancels_a_pending_one() -> None:
    """Reject: the next candidate is offered it; a claim by anyone cancels the pending offer."""
    s = shift()
    await _online(s, "ana", "bia")
    await queue(s.uow, "c-1")
    await s.services.assignment_tick()
    async with s.uow() as uow:
        offer = await uow.offers.get((await uow.assignments.get("c-1")).offer_id or "")
    await s.services.claims.answer(
        AnswerOffer(
            offer_id=offer.id, agent=offer.agent, accept=False, actor=Actor(name=offer.agent)
        )
    )
    await s.services.assignment_tick()
    async with s.uow() as uow:
        nxt = await uow.offers.get((await uow.assignments.get("c-1")).offer_id or "")
    assert nxt.agent != offer.agent
    await s.services.claims.claim(
        Claim(conversation_id="c-1", agent=offer.agent, actor=Actor(name=offer.agent))
    )
    async with s.uow() as uow:
        assert (await uow.offers.get(nxt.id)).status is OfferStatus.CANCELED


async def test_silent_agents_go_offline_and_the_return_rule_gives_back_their_work() -> None:
    """No heartbeat for the time limit: offline, audited; with `return`, their conversations requeue."""
    s = shift(AssignmentPolicy(on_away=AwayRule.RETURN))
    await _online(s, "ana")
    await add_user(s.uow, "mob")
    await s.services.agents.set(
        SetAgent(
            username="mob", actor=Actor(name="admin"), auto_offline=False, status=Presence.ONLINE
        )
    )
    await queue(s.uow, "c-1")
    await s.services.claims.claim(
        Claim(conversation_id="c-1", agent="ana", actor=Actor(name="ana"))
    )
    s.clock.advance(seconds=61)
    report = await s.services.assignment_tick()
    assert report.silent == 1
    views = {v.user.username: v for v in await s.services.agents.list()}
    assert views["ana"].presence is Presence.OFFLINE
    assert views["mob"].presence is Presence.ONLINE  # auto-offline off: a mobile agent stays
    async with s.uow() as uow:
        assert (await uow.assignments.get("c-1")).state is not AssignmentState.ASSIGNED
        entries = await uow.activity.list(ActivityFilter(entity_id="ana"), limit=5)
    assert entries[0].action == "agent.presence"
    assert entries[0].to_state == "offline"
