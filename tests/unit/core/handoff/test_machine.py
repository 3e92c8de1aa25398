"""The roadmap's paths through the conversation machine, one example each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lia_core.handoff import (
    AskClarifyingQuestion,
    CloseConversation,
    CloseReason,
    ConversationState,
    CustomerMessage,
    Decision,
    Event,
    HandoffPolicy,
    HandoffReason,
    HandoffTexts,
    HandToHuman,
    InactivityTick,
    Intent,
    MenuChoice,
    NoAction,
    OfferTimeoutMenu,
    OutOfHours,
    Phase,
    Priority,
    ResumeBot,
    RouteToDepartment,
    decide_handoff,
)
from lia_core.sla import BusinessCalendar, WeeklyHours

T0 = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # a Monday, 11:00 in São Paulo
POLICY = HandoffPolicy()
START = ConversationState.start(T0)


def say(text: str, state: ConversationState = START, policy: HandoffPolicy = POLICY) -> Decision:
    """The decision for a customer message at T0."""
    return decide_handoff(state, CustomerMessage(text=text), policy, now=T0)


def human(decision: Decision) -> HandToHuman:
    """The decision, checked to be a HandToHuman."""
    assert isinstance(decision, HandToHuman), decision
    return decision


def test_a_clear_intent_confirms_the_shortcut_and_routes() -> None:
    """ "segunda via do boleto" (0.89) goes to Financeiro with a confirmation; the bot lets go."""
    decision = say("Preciso da segunda via do boleto")
    assert isinstance(decision, RouteToDepartment)
    assert decision.intent is Intent.FINANCIAL
    assert decision.confidence == pytest.approx(2 / 2.25)
    assert decision.destination.queue == "financeiro"
    assert decision.priority is Priority.MEDIUM
    assert "Financeiro" in decision.reply
    assert decision.state.phase is Phase.WITH_HUMAN
    assert decision.state.reason is None
    assert decision.state.intent is Intent.FINANCIAL


def test_an_unclear_message_gets_one_clarifying_question_then_a_route() -> None:
    """ "oi" is unclear: one question; the answer "financeiro" is clear and routes."""
    first = say("oi, bom dia")
    assert isinstance(first, AskClarifyingQuestion)
    assert first.cause is HandoffReason.LOW_CONFIDENCE
    assert first.state.phase is Phase.CLARIFYING
    assert first.state.clarifications == 1
    second = say("financeiro", first.state)
    assert isinstance(second, RouteToDepartment)
    assert second.intent is Intent.FINANCIAL


def test_still_unclear_after_the_question_goes_to_a_human() -> None:
    """A second unclear message goes to the general queue with reason low_confidence."""
    first = say("ok")
    decision = human(say("hmm", first.state))
    assert decision.handoff.reason is HandoffReason.LOW_CONFIDENCE
    assert decision.handoff.destination.queue == "geral"
    assert decision.handoff.priority is Priority.MEDIUM
    assert decision.state.reason is HandoffReason.LOW_CONFIDENCE


def test_two_close_intents_are_ambiguous() -> None:
    """Slow internet and a bill in one message: ask; the same again: a human, reason ambiguous."""
    text = "a internet está lenta e o boleto veio errado"
    first = say(text)
    assert isinstance(first, AskClarifyingQuestion)
    assert first.cause is HandoffReason.AMBIGUOUS
    assert human(say(text, first.state)).handoff.reason is HandoffReason.AMBIGUOUS


def test_without_clarifying_questions_an_unclear_message_goes_straight_to_a_human() -> None:
    """max_clarifications=0 skips the question."""
    decision = human(say("oi", policy=HandoffPolicy(max_clarifications=0)))
    assert decision.handoff.reason is HandoffReason.LOW_CONFIDENCE


@pytest.mark.parametrize("text", ["atendente", "Quero falar com um HUMANO", "0"])
def test_asking_for_a_person_hands_over_with_raised_priority(text: str) -> None:
    """Explicit requests (a keyword anywhere, or option 0) raise the priority."""
    decision = human(say(text))
    assert decision.handoff.reason is HandoffReason.CUSTOMER_ASKED
    assert decision.handoff.priority is Priority.HIGH


@pytest.mark.parametrize(
    "event",
    [
        CustomerMessage(text="Não entendi"),
        CustomerMessage(text="ajuda"),
        MenuChoice(option="nao_entendi"),
    ],
)
def test_the_help_option_hands_over_at_the_base_priority(event: Event) -> None:
    """ "não entendi" (typed or tapped) is the customer asking, without raising the priority."""
    decision = human(decide_handoff(START, event, POLICY, now=T0))
    assert decision.handoff.reason is HandoffReason.CUSTOMER_ASKED
    assert decision.handoff.priority is Priority.MEDIUM


def test_help_inside_a_longer_message_is_classified() -> None:
    """ "preciso de ajuda com o boleto" is about a bill, not the help option."""
    assert isinstance(say("preciso de ajuda com o boleto"), RouteToDepartment)


def test_another_language_goes_to_a_human_with_raised_priority() -> None:
    """An English message is handed over with the trilingual text."""
    decision = human(say("Hello, my internet is not working"))
    assert decision.handoff.reason is HandoffReason.LANGUAGE
    assert decision.handoff.priority is Priority.HIGH
    assert "I'm transferring you" in decision.reply


@pytest.mark.parametrize("text", ["ok", "2", "👍"])
def test_short_replies_stay_with_the_bot(text: str) -> None:
    """ "ok", a digit or an emoji is not a foreign language: the bot asks."""
    assert isinstance(say(text), AskClarifyingQuestion)


def test_inactivity_offers_the_menu_at_5_minutes_and_closes_at_10() -> None:
    """Silence: nothing at 4:59, the menu at 5:00, nothing at 9:59, closed at 10:00."""
    tick = InactivityTick()
    assert isinstance(
        decide_handoff(START, tick, POLICY, now=T0 + timedelta(seconds=299)), NoAction
    )
    offer = decide_handoff(START, tick, POLICY, now=T0 + timedelta(minutes=5))
    assert isinstance(offer, OfferTimeoutMenu)
    assert "1 - Continuar" in offer.reply
    assert offer.state.phase is Phase.TIMEOUT_OFFERED
    late = T0 + timedelta(seconds=599)
    assert isinstance(decide_handoff(offer.state, tick, POLICY, now=late), NoAction)
    closed = decide_handoff(offer.state, tick, POLICY, now=T0 + timedelta(minutes=10))
    assert isinstance(closed, CloseConversation)
    assert closed.reason is CloseReason.INACTIVITY
    assert closed.state.phase is Phase.CLOSED


def test_the_timeout_menu_choices() -> None:
    """1 resumes the bot where it was, 2 hands over (timeout_choice), 3 closes."""
    asked = say("oi").state
    offered = decide_handoff(asked, InactivityTick(), POLICY, now=T0 + timedelta(minutes=6)).state
    later = T0 + timedelta(minutes=7)
    resumed = decide_handoff(offered, MenuChoice(option="1"), POLICY, now=later)
    assert isinstance(resumed, ResumeBot)
    assert resumed.state.phase is Phase.CLARIFYING
    assert resumed.state.last_activity == later
    agent = human(decide_handoff(offered, CustomerMessage(text=" 2 "), POLICY, now=later))
    assert agent.handoff.reason is HandoffReason.TIMEOUT_CHOICE
    cancelled = decide_handoff(offered, MenuChoice(option="3"), POLICY, now=later)
    assert isinstance(cancelled, CloseConversation)
    assert cancelled.reason is CloseReason.CUSTOMER_CANCELLED


def test_writing_instead_of_choosing_resumes_and_reads_the_message() -> None:
    """A new message while the menu waits is read as usual ("boleto" routes)."""
    offered = decide_handoff(START, InactivityTick(), POLICY, now=T0 + timedelta(minutes=5)).state
    decision = decide_handoff(
        offered, CustomerMessage(text="boleto"), POLICY, now=T0 + timedelta(minutes=6)
    )
    assert isinstance(decision, RouteToDepartment)


def test_timers_are_configurable() -> None:
    """offer_after=2 min and close_after=3 min: the menu at 2, closed one minute after it."""
    policy = HandoffPolicy(offer_after=timedelta(minutes=2), close_after=timedelta(minutes=3))
    offer = decide_handoff(START, InactivityTick(), policy, now=T0 + timedelta(minutes=2))
    assert isinstance(offer, OfferTimeoutMenu)
    closed = decide_handoff(offer.state, InactivityTick(), policy, now=T0 + timedelta(minutes=3))
    assert isinstance(closed, CloseConversation)


OFFICE = BusinessCalendar(hours=WeeklyHours.of({day: "08:00-18:00" for day in range(5)}))
SATURDAY_NIGHT = datetime(2026, 12, 5, 23, 0, tzinfo=UTC)  # 20:00 in São Paulo


def test_out_of_hours_queues_the_ticket_and_says_when_humans_return() -> None:
    """Saturday night, "atendente": queued for Monday 08:00 (São Paulo), priority still raised."""
    policy = HandoffPolicy(calendar=OFFICE)
    state = ConversationState.start(SATURDAY_NIGHT)
    decision = decide_handoff(state, CustomerMessage(text="atendente"), policy, now=SATURDAY_NIGHT)
    assert isinstance(decision, OutOfHours)
    assert decision.queued
    assert decision.opens_at == datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
    assert decision.handoff.reason is HandoffReason.OUT_OF_HOURS
    assert decision.handoff.priority is Priority.HIGH
    assert "segunda-feira, 07/12 às 08:00" in decision.reply
    assert decision.state.phase is Phase.WITH_HUMAN


def test_out_of_hours_keeps_the_intents_queue_and_lets_the_bot_clarify() -> None:
    """A clear bill question is queued for Financeiro; an unclear one still gets the question."""
    policy = HandoffPolicy(calendar=OFFICE)
    state = ConversationState.start(SATURDAY_NIGHT)
    queued = decide_handoff(state, CustomerMessage(text="boleto"), policy, now=SATURDAY_NIGHT)
    assert isinstance(queued, OutOfHours)
    assert queued.handoff.destination.queue == "financeiro"
    assert queued.handoff.intent is Intent.FINANCIAL
    unclear = decide_handoff(state, CustomerMessage(text="oi"), policy, now=SATURDAY_NIGHT)
    assert isinstance(unclear, AskClarifyingQuestion)
    inside = decide_handoff(START, CustomerMessage(text="boleto"), policy, now=T0)
    assert isinstance(inside, RouteToDepartment)


@pytest.mark.parametrize("phase", [Phase.WITH_HUMAN, Phase.CLOSED])
@pytest.mark.parametrize(
    "event", [CustomerMessage(text="oi"), MenuChoice(option="1"), InactivityTick()]
)
def test_final_phases_ignore_everything(phase: Phase, event: Event) -> None:
    """With a human or closed, every event is NoAction and the state is unchanged."""
    routed = say("boleto").state
    state = (
        routed if phase is Phase.WITH_HUMAN else ConversationState(phase=phase, last_activity=T0)
    )
    decision = decide_handoff(state, event, POLICY, now=T0 + timedelta(days=1))
    assert decision == NoAction(state=state)


def test_custom_texts_may_hold_other_braces() -> None:
    """Only {departamento} and {abertura} are filled; other braces are left alone."""
    policy = HandoffPolicy(texts=HandoffTexts(route="{departamento} {x} {}"))
    assert say("boleto", policy=policy).reply == "Financeiro {x} {}"


def test_a_critical_intent_out_of_hours_is_queued_with_its_intent() -> None:
    """Saturday night, "quero cancelar": queued for its own intent's queue, not the default one."""
    policy = HandoffPolicy(calendar=OFFICE)
    state = ConversationState.start(SATURDAY_NIGHT)
    queued = decide_handoff(
        state, CustomerMessage(text="quero cancelar"), policy, now=SATURDAY_NIGHT
    )
    assert isinstance(queued, OutOfHours)
    assert queued.handoff.intent is Intent.CANCELLATION
    assert queued.handoff.destination == policy.destination_for(Intent.CANCELLATION)


def test_choosing_an_agent_from_the_timeout_menu_hands_over_at_that_moment() -> None:
    """The handoff made by the menu's "2" is stamped with the instant the customer chose."""
    offered = decide_handoff(
        say("oi").state, InactivityTick(), POLICY, now=T0 + timedelta(minutes=6)
    ).state
    later = T0 + timedelta(minutes=7)
    assert (
        human(decide_handoff(offered, MenuChoice(option="2"), POLICY, now=later)).handoff.at
        == later
    )
