"""What a handoff tells the customer and where it sends them, down to the exact text.

The human and out-of-hours replies are the policy's texts with the department (and the next
opening) filled in, the language handoff has its own text, and a clarifying question carries
the ranking that made it necessary. The help option is a menu button: typed or sent as another
button's id, the same words are an ordinary message.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lia_core.handoff import (
    AskClarifyingQuestion,
    ConversationState,
    CustomerMessage,
    Destination,
    HandoffPolicy,
    HandoffReason,
    HandoffTexts,
    HandToHuman,
    Intent,
    IntentScore,
    MenuChoice,
    OutOfHours,
    Priority,
    RankedIntents,
    RouteToDepartment,
    SupportLevel,
    decide_handoff,
)
from lia_core.handoff.policy import critical_intent
from lia_core.sla import BusinessCalendar, WeeklyHours

T0 = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # a Monday, 11:00 in São Paulo
START = ConversationState.start(T0)
TEXTS = HandoffTexts(
    human="humano: {departamento}",
    language="language: {departamento}",
    out_of_hours="fechado: {departamento} volta {abertura}",
    clarify="qual assunto?",
)
POLICY = HandoffPolicy(texts=TEXTS)
OFFICE = BusinessCalendar(hours=WeeklyHours.of({day: "08:00-18:00" for day in range(5)}))


def test_a_human_handoff_names_the_department_in_the_human_text() -> None:
    """A critical intent is handed over with `texts.human`, its queue's department filled in."""
    decision = decide_handoff(START, CustomerMessage(text="quero cancelar"), POLICY, now=T0)
    assert isinstance(decision, HandToHuman)
    assert decision.handoff.reason is HandoffReason.CRITICAL_INTENT
    assert decision.reply == "humano: Retenção"


def test_a_foreign_message_gets_the_language_text() -> None:
    """Handed over for its language, the reply is `texts.language` (general queue filled in)."""
    text = "Hi, I want to talk to someone about my bill please"
    decision = decide_handoff(START, CustomerMessage(text=text), POLICY, now=T0)
    assert isinstance(decision, HandToHuman)
    assert decision.handoff.reason is HandoffReason.LANGUAGE
    assert decision.reply == "language: Atendimento"


def test_out_of_hours_names_the_department_and_the_opening() -> None:
    """Queued on a Saturday night: the department and Monday 08:00 (São Paulo) in the reply."""
    policy = HandoffPolicy(texts=TEXTS, calendar=OFFICE)
    saturday_night = datetime(2026, 12, 5, 23, 0, tzinfo=UTC)
    state = ConversationState.start(saturday_night)
    decision = decide_handoff(state, CustomerMessage(text="boleto"), policy, now=saturday_night)
    assert isinstance(decision, OutOfHours)
    assert decision.reply == "fechado: Financeiro volta segunda-feira, 07/12 às 08:00"


def test_a_clarifying_question_carries_the_ranking_behind_it() -> None:
    """The unclear message's ranking (from the policy's classifier) comes with the question."""
    text = "oi, tudo bem?"
    decision = decide_handoff(START, CustomerMessage(text=text), POLICY, now=T0)
    assert isinstance(decision, AskClarifyingQuestion)
    assert decision.reply == "qual assunto?"
    assert decision.ranking == POLICY.classifier.classify(text)


def test_only_the_help_button_asks_for_a_person() -> None:
    """The help option as a button hands over at the base priority; another button's id, or
    the option's id typed as text, is read as a message."""
    help_button = decide_handoff(START, MenuChoice(option="nao_entendi"), POLICY, now=T0)
    assert isinstance(help_button, HandToHuman)
    assert help_button.handoff.reason is HandoffReason.CUSTOMER_ASKED
    assert help_button.handoff.priority is Priority.MEDIUM
    policy = HandoffPolicy(help_option="socorro_menu")
    other_button = decide_handoff(START, MenuChoice(option="boleto"), policy, now=T0)
    assert isinstance(other_button, RouteToDepartment)
    assert other_button.intent is Intent.FINANCIAL
    typed = decide_handoff(START, CustomerMessage(text="socorro_menu"), policy, now=T0)
    assert isinstance(typed, AskClarifyingQuestion)


def test_an_intent_without_a_queue_goes_to_the_general_destination() -> None:
    """An intent left out of `destinations` (and None) goes to `general_destination`."""
    general = Destination(level=SupportLevel.N2, department="Central", queue="central")
    only_support = {Intent.SUPPORT: Destination(level=SupportLevel.N1, department="S", queue="s")}
    policy = HandoffPolicy(destinations=only_support, general_destination=general)
    assert policy.destination_for(Intent.FINANCIAL) is general
    assert policy.destination_for(None) is general
    assert policy.destination_for(Intent.SUPPORT).queue == "s"


def test_a_critical_intent_scored_zero_is_not_critical_even_at_threshold_zero() -> None:
    """Without detection a critical intent needs a confidence above 0, whatever the threshold."""
    policy = HandoffPolicy(critical_threshold=0.0)
    zero = RankedIntents.of({Intent.SUPPORT: 0.6, Intent.CANCELLATION: 0.0})
    assert critical_intent(zero, policy) is None
    scored = RankedIntents.of([IntentScore(intent=Intent.CANCELLATION, confidence=0.01)])
    assert critical_intent(scored, policy) is Intent.CANCELLATION
