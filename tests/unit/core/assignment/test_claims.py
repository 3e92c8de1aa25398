"""Claims, releases, transfers, supervisor assignment and the return timer, over the fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lia_core.assignment import (
    Assign,
    AssignmentPolicy,
    Claim,
    Release,
    Transfer,
    record_first_human_reply,
)
from lia_core.domain.activity import ActivityFilter, Actor
from lia_core.domain.agents import Presence
from lia_core.domain.assignments import AssignmentState
from lia_core.domain.tickets import Priority, SupportLevel
from lia_core.domain.users import Role
from lia_core.errors import InvalidTransition, NotFound, NotPermitted, ValidationError
from lia_core.handoff.routing import HandoffReason
from lia_core.handoff.session import HandoffEntry, HandoffFilter
from tests.unit.core.assignment.harness import Shift, add_user, queue, shift


async def test_the_second_claim_is_refused_and_the_first_holds() -> None:
    """A claimed conversation cannot be claimed again: the second agent gets InvalidTransition."""
    s = shift()
    await add_user(s.uow, "ana")
    await add_user(s.uow, "bia")
    await queue(s.uow, "c-1")
    won = await s.services.claims.claim(
        Claim(conversation_id="c-1", agent="ana", actor=Actor(name="ana"))
    )
    assert won.assignee == "ana"
    with pytest.raises(InvalidTransition, match="assigned to ana"):
        await s.services.claims.claim(
            Claim(conversation_id="c-1", agent="bia", actor=Actor(name="bia"))
        )
    views = {v.user.username: v for v in await s.services.agents.list()}
    assert views["ana"].profile.load == 0  # no profile yet: claiming needs no presence
    async with s.uow() as uow:
        entries = await uow.activity.list(ActivityFilter(entity_id="c-1"), limit=10)
    assert [e.action for e in entries] == ["conversation.claim"]


async def test_an_agent_outside_the_department_may_not_claim() -> None:
    """Agents claim in their own departments only; a supervisor anywhere."""
    s = shift()
    await add_user(s.uow, "ana", departments=("financial",))
    await add_user(s.uow, "sup", role=Role.SUPERVISOR, departments=())
    await queue(s.uow, "c-1")
    with pytest.raises(NotPermitted):
        await s.services.claims.claim(
            Claim(conversation_id="c-1", agent="ana", actor=Actor(name="ana"))
        )
    done = await s.services.claims.claim(
        Claim(conversation_id="c-1", agent="sup", actor=Actor(name="sup"))
    )
    assert done.assignee == "sup"
    with pytest.raises(NotFound):
        await s.services.claims.claim(
            Claim(conversation_id="nope", agent="sup", actor=Actor(name="sup"))
        )


async def test_release_transfer_and_assign_move_it_and_recount_loads() -> None:
    """Release puts it back, transfer needs a reason, assign is for supervisors; loads follow."""
    s = shift()
    await add_user(s.uow, "ana")
    await add_user(s.uow, "bia")
    await add_user(s.uow, "sup", role=Role.SUPERVISOR)
    await s.services.agents.heartbeat(
        await s.services.get_user("ana"), _online(), Actor(name="ana")
    )
    await s.services.agents.heartbeat(
        await s.services.get_user("bia"), _online(), Actor(name="bia")
    )
    await queue(s.uow, "c-1")
    claims = s.services.claims
    await claims.claim(Claim(conversation_id="c-1", agent="ana", actor=Actor(name="ana")))
    assert await _loads(s) == {"ana": 1, "bia": 0}
    with pytest.raises(NotPermitted):
        await claims.release(Release(conversation_id="c-1", by="bia", actor=Actor(name="bia")))
    with pytest.raises(ValidationError):
        await claims.transfer(
            Transfer(
                conversation_id="c-1", by="ana", actor=Actor(name="ana"), reason=" ", to_agent="bia"
            )
        )
    moved = await claims.transfer(
        Transfer(
            conversation_id="c-1",
            by="ana",
            actor=Actor(name="ana"),
            reason="é financeiro",
            to_agent="bia",
        )
    )
    assert moved.assignee == "bia"
    assert moved.previous_assignee == "ana"
    assert await _loads(s) == {"ana": 0, "bia": 1}
    queued = await claims.transfer(
        Transfer(
            conversation_id="c-1",
            by="bia",
            actor=Actor(name="bia"),
            reason="cobrança",
            to_department="financial",
        )
    )
    assert queued.state is AssignmentState.QUEUED
    assert queued.department == "financial"
    with pytest.raises(NotPermitted):
        await claims.assign(
            Assign(conversation_id="c-1", agent="ana", by="bia", actor=Actor(name="bia"))
        )
    given = await claims.assign(
        Assign(conversation_id="c-1", agent="ana", by="sup", actor=Actor(name="sup"))
    )
    assert given.assignee == "ana"
    back = await claims.release(Release(conversation_id="c-1", by="sup", actor=Actor(name="sup")))
    assert back.state is AssignmentState.QUEUED
    assert await _loads(s) == {"ana": 0, "bia": 0}
    with pytest.raises(InvalidTransition):
        await claims.release(Release(conversation_id="c-1", by="sup", actor=Actor(name="sup")))


async def test_an_unanswered_assignment_returns_to_its_queue() -> None:
    """No first human reply within the return time: back to the queue, with an audit entry."""
    s = shift(AssignmentPolicy(return_after=timedelta(minutes=5)))
    await add_user(s.uow, "ana")
    await queue(s.uow, "c-1", "c-2")
    await s.services.claims.claim(
        Claim(conversation_id="c-1", agent="ana", actor=Actor(name="ana"))
    )
    await s.services.claims.claim(
        Claim(conversation_id="c-2", agent="ana", actor=Actor(name="ana"))
    )
    async with s.uow() as uow:
        assert await record_first_human_reply(uow, "c-2", "ana", at=s.clock.now())
        await uow.commit()
    s.clock.advance(minutes=4)
    assert (await s.services.assignment_tick()).returned == 0
    s.clock.advance(minutes=2)
    report = await s.services.assignment_tick()
    assert report.returned == 1
    async with s.uow() as uow:
        one = await uow.assignments.get("c-1")
        two = await uow.assignments.get("c-2")
        entries = await uow.activity.list(ActivityFilter(entity_id="c-1"), limit=10)
    assert one.state is AssignmentState.QUEUED
    assert one.previous_assignee == "ana"
    assert two.assignee == "ana"
    assert entries[0].action == "conversation.return"


def _online() -> Presence:
    return Presence.ONLINE


async def _loads(s: Shift) -> dict[str, int]:
    return {
        v.user.username: v.profile.load
        for v in await s.services.agents.list()
        if v.user.role is Role.AGENT
    }


async def test_the_first_agent_to_hold_a_handed_conversation_accepts_its_handoff() -> None:
    """The handoff ledger names who accepted it and when: the claimer; a later transfer
    leaves the first acceptance as it was."""
    s = shift()
    await add_user(s.uow, "ana")
    await add_user(s.uow, "bia")
    await queue(s.uow, "c-1")
    handed = HandoffEntry(
        id="h-1",
        conversation_id="c-1",
        reason=HandoffReason.CUSTOMER_ASKED,
        department="support",
        level=SupportLevel.N1,
        priority=Priority.HIGH,
        at=s.clock.now(),
    )
    async with s.uow() as uow:
        await uow.handoffs.add_many([handed])
        await uow.commit()
    s.clock.advance(minutes=3)
    await s.services.claims.claim(
        Claim(conversation_id="c-1", agent="ana", actor=Actor(name="ana"))
    )
    await s.services.claims.transfer(
        Transfer(
            conversation_id="c-1", by="ana", to_agent="bia", reason="turno", actor=Actor(name="ana")
        )
    )
    async with s.uow() as uow:
        (entry,) = await uow.handoffs.list(HandoffFilter())
    assert (entry.accepted_by, entry.accepted_at) == ("ana", handed.at + timedelta(minutes=3))


@pytest.mark.parametrize(
    ("agent", "conversation"),
    [("op12345678", "20261206-000123"), ("ana", "PROT-202612061430120001")],
)
async def test_ids_with_long_digit_runs_travel_in_the_claims_event(
    agent: str, conversation: str
) -> None:
    """An employee-numbered username and a protocol-numbered conversation: the claim holds and
    its event names both (the old rule refused any eight digits in a row and failed the claim)."""
    s = shift()
    await add_user(s.uow, agent)
    await queue(s.uow, conversation)
    won = await s.services.claims.claim(
        Claim(conversation_id=conversation, agent=agent, actor=Actor(name=agent))
    )
    assert won.assignee == agent
    (event,) = [e for e in s.store.bus.delivered if e.kind.value == "conversation.assigned"]
    assert (event.conversation_id, event.agent) == (conversation, agent)


async def test_a_phone_shaped_username_from_before_is_left_out_of_the_event() -> None:
    """An account named like a phone (made before usernames were checked) still claims; the
    event goes out without its name rather than failing the claim."""
    s = shift()
    await add_user(s.uow, "21987654321")
    await queue(s.uow, "c-1")
    won = await s.services.claims.claim(
        Claim(conversation_id="c-1", agent="21987654321", actor=Actor(name="21987654321"))
    )
    assert won.assignee == "21987654321"
    (event,) = [e for e in s.store.bus.delivered if e.kind.value == "conversation.assigned"]
    assert (event.conversation_id, event.agent) == ("c-1", None)
