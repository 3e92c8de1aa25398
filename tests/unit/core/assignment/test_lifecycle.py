"""The offer/claim lifecycle as a state machine against a hand-written model of who holds what.

Random claims, releases, offer ticks, accepts, rejects and clock jumps over the real use
cases (in-memory store); after every step each conversation has at most one holder, the
same one the model says, every pending offer is the model's, and every stored load is the
model's count of conversations held plus offers pending.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from lia_core.assignment import AnswerOffer, AssignmentPolicy, Claim, Release, SetAgent
from lia_core.domain.activity import Actor
from lia_core.domain.agents import Presence
from lia_core.domain.assignments import OfferStatus
from lia_core.errors import InvalidTransition
from tests.unit.core.assignment.harness import add_user, queue, shift

T = TypeVar("T")
AGENTS = ("ana", "bia", "cai")
CONVERSATIONS = ("c-1", "c-2", "c-3", "c-4")
TIMEOUT = timedelta(seconds=30)


@attrs.define
class Model:
    """Who holds each conversation, and who each is offered to (with the offer's due time)."""

    holder: dict[str, str | None] = attrs.field(factory=lambda: dict.fromkeys(CONVERSATIONS))
    offered: dict[str, tuple[str, str]] = attrs.field(factory=dict)
    """conversation → (offer id, agent)."""

    def load(self, agent: str) -> int:
        """Held plus pending offers."""
        held = sum(1 for h in self.holder.values() if h == agent)
        return held + sum(1 for _, a in self.offered.values() if a == agent)


class OfferLifecycle(RuleBasedStateMachine):
    """The use cases against `Model`."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.shift = shift(
            AssignmentPolicy(
                offer_timeout=TIMEOUT, return_after=None, presence_ttl=timedelta(days=1)
            )
        )
        self.model = Model()
        self.run(self._setup())

    def run(self, step: Awaitable[T]) -> T:
        """Run one coroutine of the use cases."""
        return self.loop.run_until_complete(step)

    async def _setup(self) -> None:
        s = self.shift
        for name in AGENTS:
            await add_user(s.uow, name)
            await s.services.agents.set(
                SetAgent(username=name, actor=Actor(name="admin"), capacity=2)
            )
            user = await s.services.get_user(name)
            await s.services.agents.heartbeat(user, Presence.ONLINE, Actor(name=name))
        await queue(s.uow, *CONVERSATIONS)

    def teardown(self) -> None:
        """Close the loop."""
        self.loop.close()

    @rule(cid=st.sampled_from(CONVERSATIONS), agent=st.sampled_from(AGENTS))
    def claim(self, cid: str, agent: str) -> None:
        """A claim wins only when nobody holds it; it cancels a pending offer."""
        try:
            self.run(
                self.shift.services.claims.claim(
                    Claim(conversation_id=cid, agent=agent, actor=Actor(name=agent))
                )
            )
        except InvalidTransition:
            assert self.model.holder[cid] is not None
            return
        assert self.model.holder[cid] is None
        self.model.holder[cid] = agent
        self.model.offered.pop(cid, None)

    @rule(cid=st.sampled_from(CONVERSATIONS))
    def release(self, cid: str) -> None:
        """Its holder releases it: back to the queue."""
        holder = self.model.holder[cid]
        if holder is None:
            return
        self.run(
            self.shift.services.claims.release(
                Release(conversation_id=cid, by=holder, actor=Actor(name=holder))
            )
        )
        self.model.holder[cid] = None

    @rule()
    def tick(self) -> None:
        """The worker offers queued conversations to agents with room (never one held)."""
        s = self.shift
        self.run(s.services.assignment_tick())
        offers = s.store.assignment_tables.offers
        for offer in offers.values():
            if (
                offer.status is OfferStatus.PENDING
                and offer.conversation_id not in self.model.offered
            ):
                assert self.model.holder[offer.conversation_id] is None
                assert self.model.load(offer.agent) < 2
                self.model.offered[offer.conversation_id] = (offer.id, offer.agent)

    @precondition(lambda self: bool(self.model.offered))
    @rule(data=st.data(), accept=st.booleans())
    def answer(self, data: st.DataObject, accept: bool) -> None:
        """The offered agent accepts (now the holder) or rejects (queued again)."""
        cid = data.draw(st.sampled_from(sorted(self.model.offered)))
        offer_id, agent = self.model.offered.pop(cid)
        cmd = AnswerOffer(offer_id=offer_id, agent=agent, accept=accept, actor=Actor(name=agent))
        self.run(self.shift.services.claims.answer(cmd))
        if accept:
            self.model.holder[cid] = agent

    @rule()
    def time_passes(self) -> None:
        """Past the time limit every pending offer times out at the next tick."""
        s = self.shift
        s.clock.advance(seconds=TIMEOUT.total_seconds() + 1)
        for name in AGENTS:  # everyone stays online
            user = self.run(s.services.get_user(name))
            self.run(s.services.agents.heartbeat(user, Presence.ONLINE, Actor(name=name)))
        self.model.offered.clear()
        self.tick()

    @invariant()
    def the_store_agrees_with_the_model(self) -> None:
        """Holders, pending offers and loads are the model's."""
        tables = self.shift.store.assignment_tables
        for cid in CONVERSATIONS:
            row = tables.assignments[cid]
            assert row.assignee == self.model.holder[cid]
            expected = self.model.offered.get(cid)
            assert row.offer_id == (expected[0] if expected else None)
        pending = {
            o.conversation_id: o.id
            for o in tables.offers.values()
            if o.status is OfferStatus.PENDING
        }
        assert pending == {c: oid for c, (oid, _) in self.model.offered.items()}
        for name in AGENTS:
            assert tables.agents[name].load == self.model.load(name), name


TestOfferLifecycle = OfferLifecycle.TestCase
TestOfferLifecycle.settings = settings(max_examples=40, stateful_step_count=25)
