"""The conversation state machine: `decide_handoff(state, event, policy, now=...)` returns one decision.

Checks on a customer's message while the bot holds it, in order: the human menu option, the
help phrases, a critical intent (any keyword of it), an explicit request for a person, another
language (only with no intent detected), then the classifier's verdict (route, clarify, human). Any way to a human goes
through the business calendar: when it is closed the answer is `OutOfHours` instead.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from lia_core.domain.tickets import Priority
from lia_core.handoff._replies import fill, opening_text
from lia_core.handoff._words import found_phrases, padded
from lia_core.handoff.conversation import (
    ConversationState,
    CustomerMessage,
    Event,
    InactivityTick,
    MenuChoice,
    Phase,
)
from lia_core.handoff.decisions import (
    AskClarifyingQuestion,
    CloseConversation,
    CloseReason,
    Decision,
    HandToHuman,
    NoAction,
    OfferTimeoutMenu,
    OutOfHours,
    ResumeBot,
    RouteToDepartment,
)
from lia_core.handoff.intents import Intent, IntentScore
from lia_core.handoff.language import Language
from lia_core.handoff.policy import HandoffPolicy, critical_intent, is_ambiguous
from lia_core.handoff.routing import Destination, Handoff, HandoffReason
from lia_core.validation import require_aware

__all__ = ["decide_handoff"]


def _out_of_hours(
    state: ConversationState,
    policy: HandoffPolicy,
    *,
    now: datetime,
    intent: Intent | None,
    priority: Priority,
) -> OutOfHours | None:
    """The ticket queued for the next opening, or None while the calendar is open."""
    calendar = policy.calendar
    if calendar is None or calendar.is_open(now):
        return None
    destination = policy.destination_for(intent)
    reason = HandoffReason.OUT_OF_HOURS
    handoff = Handoff(
        reason=reason, destination=destination, priority=priority, intent=intent, at=now
    )
    opens_at = calendar.next_opening(now)
    return OutOfHours(
        state=_with_human(state, reason=reason, destination=destination, intent=intent),
        reply=fill(
            policy.texts.out_of_hours,
            abertura=opening_text(opens_at, policy.calendar),
            departamento=destination.department,
        ),
        handoff=handoff,
        opens_at=opens_at,
    )


def _route(
    state: ConversationState, policy: HandoffPolicy, *, now: datetime, score: IntentScore
) -> Decision:
    """Route a clear intent to its department (queued when the calendar is closed)."""
    priority = policy.base_priority
    closed = _out_of_hours(state, policy, now=now, intent=score.intent, priority=priority)
    if closed is not None:
        return closed
    destination = policy.destination_for(score.intent)
    return RouteToDepartment(
        state=_with_human(state, reason=None, destination=destination, intent=score.intent),
        reply=fill(policy.texts.route, departamento=destination.department),
        intent=score.intent,
        confidence=score.confidence,
        destination=destination,
        priority=priority,
    )


def _to_human(
    state: ConversationState,
    policy: HandoffPolicy,
    *,
    now: datetime,
    reason: HandoffReason,
    intent: Intent | None = None,
    priority: Priority | None = None,
) -> Decision:
    """Hand over to a human for *reason* (queued when the calendar is closed)."""
    priority = priority or policy.base_priority
    closed = _out_of_hours(state, policy, now=now, intent=intent, priority=priority)
    if closed is not None:
        return closed
    destination = policy.destination_for(intent)
    handoff = Handoff(
        reason=reason, destination=destination, priority=priority, intent=intent, at=now
    )
    text = policy.texts.language if reason is HandoffReason.LANGUAGE else policy.texts.human
    return HandToHuman(
        state=_with_human(state, reason=reason, destination=destination, intent=intent),
        reply=fill(text, departamento=destination.department),
        handoff=handoff,
    )


def _with_human(
    state: ConversationState,
    *,
    reason: HandoffReason | None,
    destination: Destination,
    intent: Intent | None,
) -> ConversationState:
    return attrs.evolve(
        state,
        phase=Phase.WITH_HUMAN,
        offered_at=None,
        resume_phase=None,
        destination=destination,
        reason=reason,
        intent=intent,
    )


def _message(state: ConversationState, text: str, policy: HandoffPolicy, now: datetime) -> Decision:
    """A customer's message while the bot holds the conversation (BOT or CLARIFYING)."""
    raised = policy.raised_priority
    if text.strip() == policy.human_option:
        return _to_human(
            state, policy, now=now, reason=HandoffReason.CUSTOMER_ASKED, priority=raised
        )
    haystack = padded(text)
    if haystack.strip() in policy.help_phrases:
        return _to_human(state, policy, now=now, reason=HandoffReason.CUSTOMER_ASKED)
    ranking = policy.classifier.classify(text)
    critical = critical_intent(ranking, policy)
    if critical is not None:
        reason = HandoffReason.CRITICAL_INTENT
        return _to_human(state, policy, now=now, reason=reason, intent=critical, priority=raised)
    if found_phrases(haystack, policy.human_keywords):
        return _to_human(
            state, policy, now=now, reason=HandoffReason.CUSTOMER_ASKED, priority=raised
        )
    foreign = policy.language.guess(text) not in (Language.PORTUGUESE, Language.UNKNOWN)
    if foreign and not ranking.detected:  # a keyword found: the bot understood the message
        return _to_human(state, policy, now=now, reason=HandoffReason.LANGUAGE, priority=raised)
    top = ranking.top
    ambiguous = is_ambiguous(ranking, policy)
    if top is not None and not ambiguous and top.confidence >= policy.confidence_threshold:
        return _route(state, policy, now=now, score=top)
    cause = HandoffReason.AMBIGUOUS if ambiguous else HandoffReason.LOW_CONFIDENCE
    if state.clarifications >= policy.max_clarifications:
        return _to_human(state, policy, now=now, reason=cause)
    asked = attrs.evolve(state, phase=Phase.CLARIFYING, clarifications=state.clarifications + 1)
    return AskClarifyingQuestion(
        state=asked, reply=policy.texts.clarify, cause=cause, ranking=ranking
    )


def _menu_answer(
    state: ConversationState, option: str, policy: HandoffPolicy, now: datetime
) -> Decision | None:
    """The answer to the timeout menu, or None when *option* is not one of its three choices."""
    if option == policy.continue_option:
        return ResumeBot(state=_resumed(state), reply=policy.texts.resume)
    if option == policy.agent_option:
        return _to_human(state, policy, now=now, reason=HandoffReason.TIMEOUT_CHOICE)
    if option == policy.cancel_option:
        return _close(state, policy, CloseReason.CUSTOMER_CANCELLED)
    return None


def _resumed(state: ConversationState) -> ConversationState:
    if state.phase is not Phase.TIMEOUT_OFFERED:
        return state
    return attrs.evolve(
        state, phase=state.resume_phase or Phase.BOT, offered_at=None, resume_phase=None
    )


def _close(state: ConversationState, policy: HandoffPolicy, reason: CloseReason) -> Decision:
    closed = attrs.evolve(state, phase=Phase.CLOSED, offered_at=None, resume_phase=None)
    texts = policy.texts
    text = texts.closed_inactive if reason is CloseReason.INACTIVITY else texts.closed_by_customer
    return CloseConversation(state=closed, reply=text, reason=reason)


def _tick(state: ConversationState, policy: HandoffPolicy, now: datetime) -> Decision:
    if state.phase is Phase.TIMEOUT_OFFERED:
        offered_at = state.offered_at or state.last_activity
        if now - offered_at >= policy.menu_grace:
            return _close(state, policy, CloseReason.INACTIVITY)
        return NoAction(state=state)
    if now - state.last_activity >= policy.offer_after:
        offered = attrs.evolve(
            state, phase=Phase.TIMEOUT_OFFERED, offered_at=now, resume_phase=state.phase
        )
        return OfferTimeoutMenu(state=offered, reply=policy.texts.timeout_menu)
    return NoAction(state=state)


_DEFAULT_POLICY = HandoffPolicy()


def decide_handoff(
    state: ConversationState,
    event: Event,
    policy: HandoffPolicy | None = None,
    *,
    now: datetime,
) -> Decision:
    """The one decision for *event* in *state* at *now* (aware); never raises for valid input.

    WITH_HUMAN and CLOSED answer `NoAction` to everything. An inactivity tick offers the
    timeout menu once the customer has been quiet for ``offer_after`` and closes the
    conversation ``close_after - offer_after`` after the menu went unanswered. A message or
    a menu choice is customer activity: it resets the inactivity clock.
    """
    require_aware(now, "now")
    policy = policy if policy is not None else _DEFAULT_POLICY
    if state.phase.is_final:
        return NoAction(state=state)
    if isinstance(event, InactivityTick):
        return _tick(state, policy, now)
    active = attrs.evolve(state, last_activity=max(state.last_activity, now))
    match event:
        case MenuChoice(option=option):
            option = option.strip()
            text = option
        case CustomerMessage(text=text):
            option = text.strip()
    if active.phase is Phase.TIMEOUT_OFFERED:
        answer = _menu_answer(active, option, policy, now)
        if answer is not None:
            return answer
        active = _resumed(active)
    if isinstance(event, MenuChoice) and option == policy.help_option:
        return _to_human(active, policy, now=now, reason=HandoffReason.CUSTOMER_ASKED)
    return _message(active, text, policy, now)
