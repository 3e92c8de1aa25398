"""Properties of the conversation machine: one decision always, absorbing handoffs, timeouts end."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from lia_core.handoff import (
    AskClarifyingQuestion,
    CloseConversation,
    ConversationState,
    CustomerMessage,
    Decision,
    Event,
    HandoffPolicy,
    HandoffReason,
    HandToHuman,
    InactivityTick,
    MenuChoice,
    NoAction,
    OfferTimeoutMenu,
    OutOfHours,
    Phase,
    ResumeBot,
    RouteToDepartment,
    decide_handoff,
)
from lia_core.testing.handoff import (
    conversation_states,
    customer_texts,
    events,
    handoff_policies,
    instants,
    menu_options,
    timed_events,
)

from .oracle import expected_message_outcome

DECISIONS = (
    NoAction,
    RouteToDepartment,
    AskClarifyingQuestion,
    HandToHuman,
    OutOfHours,
    OfferTimeoutMenu,
    ResumeBot,
    CloseConversation,
)
TO_HUMAN = (RouteToDepartment, HandToHuman, OutOfHours)
ALL_PHASES = tuple(Phase)
BOT_PHASES = (Phase.BOT, Phase.CLARIFYING)
RAISED_REASONS = {HandoffReason.LANGUAGE, HandoffReason.CRITICAL_INTENT}
BASE_REASONS = {HandoffReason.LOW_CONFIDENCE, HandoffReason.AMBIGUOUS, HandoffReason.TIMEOUT_CHOICE}


def check(
    decision: Decision, before: ConversationState, policy: HandoffPolicy, now: datetime
) -> None:
    """What every decision satisfies, whatever led to it."""
    assert type(decision) in DECISIONS
    after = decision.state
    assert (decision.reply is None) is isinstance(decision, NoAction)
    if isinstance(decision, NoAction):
        assert after == before
    if before.phase.is_final:
        assert isinstance(decision, NoAction)
    assert (after.phase is Phase.WITH_HUMAN) is (
        before.phase is Phase.WITH_HUMAN or isinstance(decision, TO_HUMAN)
    )
    assert after.clarifications <= max(before.clarifications, policy.max_clarifications)
    if isinstance(decision, HandToHuman | OutOfHours):
        record = decision.handoff
        assert (record.reason, record.destination, record.intent) == (
            after.reason,
            after.destination,
            after.intent,
        )
        assert record.at == now
        if record.reason in RAISED_REASONS:
            assert record.priority is policy.raised_priority
        if record.reason in BASE_REASONS:
            assert record.priority is policy.base_priority
    if isinstance(decision, TO_HUMAN) and policy.calendar is not None:
        assert isinstance(decision, OutOfHours) is (not policy.calendar.is_open(now))


@given(
    handoff_policies(),
    st.data(),
    events(),
    st.integers(-3_600, 4 * 3_600),
)
def test_every_event_in_every_state_yields_exactly_one_decision(
    policy: HandoffPolicy, data: st.DataObject, event: Event, seconds: int
) -> None:
    """Any valid state, event, policy and time (even a skewed earlier one): one decision, no error."""
    state = data.draw(conversation_states(phases=ALL_PHASES, policy=policy))
    now = state.last_activity + timedelta(seconds=seconds)
    check(decide_handoff(state, event, policy, now=now), state, policy, now)


@given(handoff_policies(with_calendar=False), st.data(), customer_texts())
def test_a_message_to_the_bot_matches_the_oracle(
    policy: HandoffPolicy, data: st.DataObject, text: str
) -> None:
    """Inside hours, a message in BOT or CLARIFYING does what the ordered rules of the docs say."""
    state = data.draw(conversation_states(phases=BOT_PHASES, policy=policy))
    decision = decide_handoff(state, CustomerMessage(text=text), policy, now=state.last_activity)
    kind, reason, priority, intent = expected_message_outcome(state, text, policy)
    assert type(decision) is kind
    match decision:
        case HandToHuman(handoff=record):
            assert (record.reason, record.priority, record.intent) == (reason, priority, intent)
        case AskClarifyingQuestion(cause=cause):
            assert cause is reason
        case RouteToDepartment(priority=routed, intent=routed_intent):
            assert (routed, routed_intent) == (priority, intent)


@given(handoff_policies(), instants(), timed_events())
def test_a_conversation_handed_to_a_human_never_returns_to_the_bot(
    policy: HandoffPolicy, start: datetime, timeline: list[tuple[timedelta, Event]]
) -> None:
    """After WITH_HUMAN (or CLOSED) every later event is NoAction and the state never changes."""
    state = ConversationState.start(start)
    final: ConversationState | None = None
    for offset, event in timeline:
        now = start + offset
        decision = decide_handoff(state, event, policy, now=now)
        check(decision, state, policy, now)
        state = decision.state
        if final is not None:
            assert isinstance(decision, NoAction)
            assert state == final
        elif state.phase.is_final:
            final = state


@given(handoff_policies(), st.data())
def test_the_timeout_path_is_reachable_and_closes(
    policy: HandoffPolicy, data: st.DataObject
) -> None:
    """From any bot state: the menu exactly at offer_after, closed exactly at close_after."""
    state = data.draw(conversation_states(phases=BOT_PHASES, policy=policy))
    tick = InactivityTick()
    before = state.last_activity + policy.offer_after - timedelta(seconds=1)
    assert isinstance(decide_handoff(state, tick, policy, now=before), NoAction)
    offer = decide_handoff(state, tick, policy, now=state.last_activity + policy.offer_after)
    assert isinstance(offer, OfferTimeoutMenu)
    assert offer.state.resume_phase is state.phase
    close_at = state.last_activity + policy.close_after
    waiting = decide_handoff(offer.state, tick, policy, now=close_at - timedelta(seconds=1))
    assert isinstance(waiting, NoAction)
    closed = decide_handoff(offer.state, tick, policy, now=close_at)
    assert isinstance(closed, CloseConversation)
    assert closed.state.phase is Phase.CLOSED


@given(handoff_policies(), st.data(), st.lists(st.integers(0, 3 * 3_600), min_size=1, max_size=6))
def test_ticks_alone_close_after_at_most_two_replies(
    policy: HandoffPolicy, data: st.DataObject, gaps: list[int]
) -> None:
    """A silent customer gets at most the menu and the goodbye; ticks a close_after apart close it."""
    state = data.draw(conversation_states(policy=policy))
    # The clock never reads earlier than the menu's offer (the worker made it at that moment).
    now = max(state.last_activity, state.offered_at or state.last_activity)
    replies = 0
    for gap in gaps:
        now += timedelta(seconds=gap)
        decision = decide_handoff(state, InactivityTick(), policy, now=now)
        replies += decision.reply is not None
        state = decision.state
    assert replies <= 2
    for _ in range(2):
        now += policy.close_after
        state = decide_handoff(state, InactivityTick(), policy, now=now).state
    assert state.phase is Phase.CLOSED


@given(handoff_policies(), instants(), st.lists(customer_texts(), min_size=5, max_size=5))
def test_the_bot_lets_go_within_the_clarification_budget(
    policy: HandoffPolicy, start: datetime, texts: list[str]
) -> None:
    """Messages alone leave the bot after at most max_clarifications + 1 of them."""
    state = ConversationState.start(start)
    for count, text in enumerate(texts[: policy.max_clarifications + 1], start=1):
        state = decide_handoff(state, CustomerMessage(text=text), policy, now=start).state
        assert state.phase.is_final or state.clarifications == count
    assert state.phase is Phase.WITH_HUMAN


class Conversation(RuleBasedStateMachine):
    """A customer and a scheduler talking to the machine in any order, time moving forward."""

    def __init__(self) -> None:
        super().__init__()
        self.policy = HandoffPolicy()
        self.state = ConversationState.start(datetime.fromisoformat("2026-12-07T14:00:00+00:00"))
        self.now = self.state.last_activity
        self.final: ConversationState | None = None
        self.quiet_replies = 0

    @initialize(policy=handoff_policies())
    def configure(self, policy: HandoffPolicy) -> None:
        """Run under a generated policy."""
        self.policy = policy

    def _apply(self, event: Event, seconds: int) -> Decision:
        self.now += timedelta(seconds=seconds)
        decision = decide_handoff(self.state, event, self.policy, now=self.now)
        check(decision, self.state, self.policy, self.now)
        self.state = decision.state
        if self.final is None and self.state.phase.is_final:
            self.final = self.state
        return decision

    @rule(text=customer_texts(), seconds=st.integers(0, 600))
    def customer_writes(self, text: str, seconds: int) -> None:
        """The customer sends a message."""
        self._apply(CustomerMessage(text=text), seconds)
        self.quiet_replies = 0

    @rule(option=menu_options(), seconds=st.integers(0, 600))
    def customer_taps(self, option: str, seconds: int) -> None:
        """The customer taps a button."""
        self._apply(MenuChoice(option=option), seconds)
        self.quiet_replies = 0

    @rule(seconds=st.integers(0, 900))
    def scheduler_ticks(self, seconds: int) -> None:
        """The inactivity scheduler looks at the conversation."""
        decision = self._apply(InactivityTick(), seconds)
        self.quiet_replies += decision.reply is not None

    @invariant()
    def final_states_never_change(self) -> None:
        """Once handed over or closed, the state stays exactly as it was."""
        if self.final is not None:
            assert self.state == self.final

    @invariant()
    def silence_gets_at_most_two_replies(self) -> None:
        """Without the customer the bot says at most: the menu, then goodbye."""
        assert self.quiet_replies <= 2


TestConversation = Conversation.TestCase
TestConversation.settings = settings(max_examples=40, stateful_step_count=25)
