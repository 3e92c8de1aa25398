"""Hypothesis strategies for the handoff policy: pt-BR messages, rankings, policies, states, events.

Messages mix the default keywords with Portuguese filler in random case, with or without
accents and punctuation, so intents collide often; short replies ("ok", "2", emoji) and
English or Spanish sentences are drawn too. Instants are whole seconds in 2026.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from lia_core.handoff import (
    DEFAULT_KEYWORDS,
    ConversationState,
    CustomerMessage,
    Event,
    HandoffPolicy,
    InactivityTick,
    Intent,
    IntentScore,
    MenuChoice,
    Phase,
    Priority,
    RankedIntents,
)
from lia_core.sla import BusinessCalendar
from lia_core.testing.sla import business_calendars

__all__ = [
    "FILLER",
    "FOREIGN_MESSAGES",
    "SHORT_REPLIES",
    "accent_free",
    "conversation_states",
    "customer_texts",
    "events",
    "handoff_policies",
    "instants",
    "keyword_texts",
    "menu_options",
    "ranked_intents",
    "timed_events",
]

FILLER = (
    "oi", "olá", "bom dia", "boa noite", "por favor", "minha", "meu", "estou com problema",
    "aqui em casa", "desde ontem", "obrigado", "é urgente", "já tentei", "o que faço", "hoje",
)  # fmt: skip
"""Portuguese words and phrases that hit no keyword, no help phrase, no request for a person."""
SHORT_REPLIES = ("ok", "Ok!", "2", "👍", "😡😡", "...", "?", "kkk", "123", "1 2 3", "")
"""Replies the language guesser must call unknown (they never leave the bot by themselves)."""
FOREIGN_MESSAGES = (
    "Hello, my internet is not working",
    "Hi, I want to talk to someone about my bill please",
    "Why is the connection so slow? I have a meeting",
    "Hola, tengo un problema con mi factura",
    "Buenas, el internet no anda desde ayer y necesito ayuda",
    "Quiero hablar con usted sobre mi plan",
)
"""English and Spanish messages the built-in guesser must flag as foreign."""

_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_ACCENT_FREE = str.maketrans("áàâãéêíóôõúçÁÀÂÃÉÊÍÓÔÕÚÇ", "aaaaeeioooucAAAAEEIOOOUC")
_ALL_KEYWORDS = tuple((intent, k) for intent, words in DEFAULT_KEYWORDS.items() for k in words)


def accent_free(text: str) -> str:
    """*text* without Portuguese accents (as typed on a phone without them)."""
    return text.translate(_ACCENT_FREE)


def instants(*, days: int = 365) -> st.SearchStrategy[datetime]:
    """Aware UTC instants, whole seconds, over *days* days of 2026."""
    return st.integers(0, days * 86_400 - 1).map(lambda s: _EPOCH + timedelta(seconds=s))


_SPELLINGS: tuple[Callable[[str], str], ...] = (
    str,
    str.lower,
    str.upper,
    str.title,
    str.swapcase,
    accent_free,
)
_SPELL = st.sampled_from(_SPELLINGS)
_JOINERS = st.sampled_from((" ", ", ", "! ", "? ", " e ", "... ", " - "))


@st.composite
def keyword_texts(
    draw: st.DrawFn,
    *,
    intents: tuple[Intent, ...] = tuple(Intent),
    max_keywords: int = 3,
    max_filler: int = 3,
) -> str:
    """A pt-BR message with up to *max_keywords* keywords of *intents*, filler, any case/accents."""
    pool = [k for intent, k in _ALL_KEYWORDS if intent in intents]
    words = draw(st.lists(st.sampled_from(pool), max_size=max_keywords))
    words += draw(st.lists(st.sampled_from(FILLER), max_size=max_filler))
    words = draw(st.permutations(words)) if words else ["oi"]
    text = words[0]
    for word in words[1:]:
        text += draw(_JOINERS) + word
    return draw(_SPELL)(text)


def customer_texts() -> st.SearchStrategy[str]:
    """Anything a customer may send: keyword mixes (up to 7 keywords), short replies, foreign
    text, foreign text followed by pt-BR, menu words, noise."""
    return st.one_of(
        keyword_texts(),
        keyword_texts(max_keywords=7),
        st.sampled_from(SHORT_REPLIES),
        st.sampled_from(FOREIGN_MESSAGES),
        st.tuples(st.sampled_from(FOREIGN_MESSAGES), keyword_texts()).map(", ".join),
        st.sampled_from(("0", "1", "2", "3", "atendente", "Não entendi", "AJUDA", "humano")),
        st.text(max_size=40),
    )


def menu_options() -> st.SearchStrategy[str]:
    """Button ids: the default menu's (0, 1, 2, 3, nao_entendi) and unknown ones."""
    known = st.sampled_from(("0", "1", "2", "3", "nao_entendi", " 2 "))
    return known | st.sampled_from(("4", "sim", "boleto", "", "menu"))


def events() -> st.SearchStrategy[Event]:
    """Customer messages, menu choices and inactivity ticks."""
    return st.one_of(
        st.builds(CustomerMessage, text=customer_texts()),
        st.builds(MenuChoice, option=menu_options()),
        st.just(InactivityTick()),
    )


@st.composite
def timed_events(
    draw: st.DrawFn, *, max_events: int = 12, max_gap_seconds: int = 15 * 60
) -> list[tuple[timedelta, Event]]:
    """Events with non-decreasing offsets from a start, gaps up to *max_gap_seconds*."""
    offset = timedelta(0)
    out: list[tuple[timedelta, Event]] = []
    for event in draw(st.lists(events(), max_size=max_events)):
        offset += timedelta(seconds=draw(st.integers(0, max_gap_seconds)))
        out.append((offset, event))
    return out


@st.composite
def ranked_intents(draw: st.DrawFn) -> RankedIntents:
    """Rankings of any subset of intents, confidences in [0, 1] (ties and zeros frequent).

    Some of the intents ranked above 0 are *detected*, as a keyword classifier reports them.
    """
    chosen = draw(st.lists(st.sampled_from(Intent), unique=True))
    unit = st.sampled_from((0.0, 0.2, 0.5, 0.8, 1.0)) | st.floats(0, 1)
    scores = [IntentScore(intent=i, confidence=draw(unit)) for i in chosen]
    positive = [s.intent for s in scores if s.confidence > 0]
    detected = draw(st.lists(st.sampled_from(positive), unique=True)) if positive else []
    return RankedIntents.of(scores, detected=detected)


@st.composite
def handoff_policies(draw: st.DrawFn, *, with_calendar: bool | None = None) -> HandoffPolicy:
    """Policies across the knobs: thresholds, timers, clarifications, priorities, a calendar or none."""
    offer = draw(st.integers(1, 30))
    base = draw(st.sampled_from(Priority))
    calendar: st.SearchStrategy[BusinessCalendar | None] = (
        business_calendars() if with_calendar else st.none()
    )
    if with_calendar is None:
        calendar = st.one_of(st.none(), business_calendars())
    return HandoffPolicy(
        confidence_threshold=draw(st.sampled_from((0.8, 0.5, 0.95)) | st.floats(0.3, 1)),
        ambiguity_gap=draw(st.sampled_from((0.15, 0.0, 0.3)) | st.floats(0, 0.5)),
        critical_threshold=draw(st.sampled_from((0.2, 0.5, 1.0)) | st.floats(0, 1)),
        max_clarifications=draw(st.integers(0, 3)),
        offer_after=timedelta(minutes=offer),
        close_after=timedelta(minutes=offer + draw(st.integers(1, 30))),
        calendar=draw(calendar),
        base_priority=base,
        raised_priority=draw(st.sampled_from([p for p in Priority if p.rank >= base.rank])),
    )


@st.composite
def conversation_states(
    draw: st.DrawFn,
    *,
    phases: tuple[Phase, ...] = (Phase.BOT, Phase.CLARIFYING, Phase.TIMEOUT_OFFERED),
    policy: HandoffPolicy | None = None,
) -> ConversationState:
    """Valid states in *phases* (the bot's by default); final ones carry a destination."""
    policy = policy or HandoffPolicy()
    phase = draw(st.sampled_from(phases))
    last = draw(instants())
    state = ConversationState(
        phase=Phase.BOT, last_activity=last, clarifications=draw(st.integers(0, 3))
    )
    if phase is Phase.CLARIFYING:
        return ConversationState(
            phase=phase, last_activity=last, clarifications=max(state.clarifications, 1)
        )
    if phase is Phase.TIMEOUT_OFFERED:
        return ConversationState(
            phase=phase,
            last_activity=last,
            clarifications=state.clarifications,
            offered_at=last + timedelta(seconds=draw(st.integers(0, 3_600))),
            resume_phase=draw(st.sampled_from((Phase.BOT, Phase.CLARIFYING))),
        )
    if phase is Phase.WITH_HUMAN:
        intent = draw(st.none() | st.sampled_from(Intent))
        return ConversationState(
            phase=phase,
            last_activity=last,
            destination=policy.destination_for(intent),
            intent=intent,
        )
    return ConversationState(phase=phase, last_activity=last)
