"""plan_offers against a simple oracle: capacity, queue order, fairness and passed-over agents."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from lia_core.assignment import Candidate, Strategy, plan_offers
from lia_core.domain.assignments import Assignment
from tests.unit.core.assignment.harness import T0

NAMES = ["ana", "bia", "cai", "dan"]

candidates = st.lists(
    st.builds(
        Candidate, username=st.sampled_from(NAMES), free=st.integers(0, 4), load=st.integers(0, 5)
    ),
    max_size=4,
    unique_by=lambda c: c.username,
)
queues = st.lists(st.lists(st.sampled_from(NAMES), max_size=3, unique=True), max_size=12).map(
    lambda passed: [
        Assignment(
            conversation_id=f"c-{n:02d}", department="support", passed_over=tuple(p), updated_at=T0
        )
        for n, p in enumerate(passed)
    ]
)


@given(queue=queues, team=candidates, strategy=st.sampled_from(Strategy))
def test_offers_fill_the_room_in_queue_order_never_past_capacity(
    queue: list[Assignment], team: list[Candidate], strategy: Strategy
) -> None:
    """The first min(queue, room) conversations are offered, each agent at most their room."""
    plan = plan_offers(queue, team, strategy=strategy)
    room = sum(c.free for c in team)
    assert [p.conversation_id for p in plan] == [
        a.conversation_id for a in queue[: min(len(queue), room)]
    ]
    given_to = Counter(p.agent for p in plan)
    free = {c.username: c.free for c in team}
    assert all(given_to[name] <= free.get(name, 0) for name in given_to)


@given(queue=queues, team=candidates, strategy=st.sampled_from(Strategy))
def test_an_agent_who_passed_is_chosen_only_when_everyone_with_room_passed(
    queue: list[Assignment], team: list[Candidate], strategy: Strategy
) -> None:
    """Nobody is offered a conversation they passed over while another with room had not."""
    plan = plan_offers(queue, team, strategy=strategy)
    left = {c.username: c.free for c in team}
    by_id = {a.conversation_id: a for a in queue}
    for item in plan:
        passed = by_id[item.conversation_id].passed_over
        with_room = [n for n, f in left.items() if f > 0]
        if item.agent in passed:
            assert all(n in passed for n in with_room)
        left[item.agent] -= 1


def test_round_robin_goes_round_before_anyone_gets_a_second() -> None:
    """Three agents with room for two each: the first three offers go to three agents."""
    team = [Candidate(username=n, free=2, load=0) for n in ("ana", "bia", "cai")]
    queue = [
        Assignment(conversation_id=f"c-{n}", department="support", updated_at=T0) for n in range(3)
    ]
    plan = plan_offers(queue, team, strategy=Strategy.ROUND_ROBIN)
    assert sorted(p.agent for p in plan) == ["ana", "bia", "cai"]


def test_least_load_prefers_the_emptiest_agent() -> None:
    """The agent holding fewer conversations is offered first."""
    team = [Candidate(username="ana", free=3, load=2), Candidate(username="bia", free=3, load=0)]
    queue = [
        Assignment(conversation_id=f"c-{n}", department="support", updated_at=T0) for n in range(2)
    ]
    plan = plan_offers(queue, team, strategy=Strategy.LEAST_LOAD)
    assert [p.agent for p in plan] == ["bia", "bia"]
