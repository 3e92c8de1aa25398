"""Hypothesis strategies for tickets, escalation facts and rule books (lia_core.escalation).

Values come from small pools (rule names, keywords, intents, policies) so that generated
rules and facts meet often: keywords appear in customer text in varied spellings, and
already-sent notifications name the same tickets, rules and policies the books use.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from lia_core.domain.tickets import Priority, Severity, SupportLevel, TicketStatus
from lia_core.escalation import (
    KNOWN_POLICIES,
    EscalationFacts,
    NotificationKey,
    RuleBook,
    SlaState,
    Ticket,
)
from lia_core.testing import spellings

__all__ = [
    "INTENTS",
    "KEYWORDS",
    "RULE_NAMES",
    "TICKET_IDS",
    "escalation_facts",
    "rule_books",
    "rule_data",
    "tickets",
]

KEYWORDS = ("procon", "anatel", "reclame aqui", "advogado", "cancelar")
"""Keywords rules look for; facts' text contains them in any case, accented or not."""
INTENTS = ("support", "financial", "commercial", "cancellation", "ombudsman", "legal_threat")
"""Intents a bot may report."""
RULE_NAMES = ("procon", "sla-breached", "sla-warning", "vip", "repeat", "cancel", "outage")
"""Rule names books draw from (notified keys in facts use the same ones)."""
TICKET_IDS = ("t-1", "t-2", "t-3")
"""Ticket ids the strategies use."""
_EXTRA_POLICIES = ("legal-team", "noc")
_FILLER = ("quero", "falar", "com", "alguém", "internet", "caiu", "de novo", "ok", "!", ",")
_ACTIVE = (TicketStatus.OPEN, TicketStatus.WAITING_CUSTOMER)
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_INSTANTS = st.integers(0, 500_000).map(lambda m: _EPOCH + timedelta(minutes=m))


@st.composite
def tickets(
    draw: st.DrawFn,
    *,
    levels: tuple[SupportLevel, ...] = tuple(SupportLevel),
    statuses: tuple[TicketStatus, ...] = tuple(TicketStatus),
) -> Ticket:
    """Valid tickets at any of *levels* in any of *statuses*, with or without an agent."""
    opened = draw(_INSTANTS)
    level = draw(st.sampled_from(levels))
    escalated = level is not SupportLevel.N1 and draw(st.booleans())
    return Ticket(
        id=draw(st.sampled_from(TICKET_IDS)),
        department=draw(st.sampled_from(["suporte", "financeiro", "noc"])),
        priority=draw(st.sampled_from(Priority)),
        severity=draw(st.sampled_from(Severity)),
        opened_at=opened,
        level=level,
        status=draw(st.sampled_from(statuses)),
        assignee=draw(st.none() | st.sampled_from(["ana", "bruno", "carla"])),
        escalation_reason="triagem" if escalated else None,
        escalated_at=opened + timedelta(minutes=5) if escalated else None,
        vip=draw(st.booleans()),
    )


_MOSTLY_ACTIVE = tickets(statuses=_ACTIVE) | tickets()


@st.composite
def _text(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_FILLER), max_size=5))
    for keyword in draw(st.lists(st.sampled_from(KEYWORDS), max_size=2)):
        words.insert(draw(st.integers(0, len(words))), draw(spellings(keyword)))
    return " ".join(words)


@st.composite
def escalation_facts(
    draw: st.DrawFn, *, ticket: st.SearchStrategy[Ticket] | None = None
) -> EscalationFacts:
    """Facts about a ticket (default: any ticket, mostly open ones) with every fact varied."""
    subject = draw(ticket if ticket is not None else _MOSTLY_ACTIVE)
    now = subject.opened_at + timedelta(minutes=draw(st.integers(0, 30 * 24 * 60)))
    contact = st.integers(-20 * 24 * 60, 60).map(lambda m: now + timedelta(minutes=m))
    policies = sorted(KNOWN_POLICIES) + list(_EXTRA_POLICIES)
    key = st.builds(
        NotificationKey,
        ticket_id=st.just(subject.id),
        policy=st.sampled_from(policies),
        rule=st.sampled_from(RULE_NAMES),
    )
    return EscalationFacts(
        ticket=subject,
        now=now,
        sla_state=draw(st.none() | st.sampled_from(SlaState)),
        vip=draw(st.booleans()),
        nps_detractor=draw(st.booleans()),
        contacts=tuple(draw(st.lists(contact, max_size=6))),
        intents=draw(st.frozensets(st.sampled_from(INTENTS), max_size=2)),
        text=draw(_text()),
        linked_active_outage=draw(st.booleans()),
        notified=draw(st.frozensets(key, max_size=4)),
    )


def _enum_values(kind: type[SlaState]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from([m.value for m in kind]), min_size=1, max_size=2, unique=True)


_CONDITIONS: dict[str, st.SearchStrategy[object]] = {
    "sla_state": _enum_values(SlaState),
    "priority_at_least": st.sampled_from([p.value for p in Priority]),
    "severity_at_least": st.sampled_from([s.value for s in Severity]),
    "level_at_least": st.sampled_from([level.value for level in SupportLevel]),
    "vip": st.booleans(),
    "nps_detractor": st.booleans(),
    "repeat_contacts": st.integers(1, 4),
    "intents": st.lists(st.sampled_from(INTENTS), min_size=1, max_size=2, unique=True),
    "keywords": st.lists(st.sampled_from(KEYWORDS), min_size=1, max_size=2, unique=True),
    "linked_active_outage": st.booleans(),
}


@st.composite
def _rule(draw: st.DrawFn, name: str, policies: tuple[str, ...]) -> dict[str, object]:
    keys = draw(st.lists(st.sampled_from(sorted(_CONDITIONS)), min_size=1, max_size=3, unique=True))
    when = {key: draw(_CONDITIONS[key]) for key in keys}
    if "repeat_contacts" in when and draw(st.booleans()):
        when["repeat_window_days"] = draw(st.integers(1, 14))
    then: dict[str, object] = {}
    if draw(st.booleans()):
        then["escalate_to"] = draw(st.sampled_from(["N2", "N3"]))
    if draw(st.booleans()):
        then["raise_priority"] = draw(st.sampled_from(["medium", "high", "urgent"]))
    if draw(st.booleans()) or not then:
        then["notify"] = draw(
            st.lists(st.sampled_from(policies), min_size=1, max_size=2, unique=True)
        )
    rule: dict[str, object] = {"name": name, "when": when, "then": then}
    if draw(st.booleans()):
        rule["reason"] = f"motivo: {name}"
    return rule


@st.composite
def rule_data(draw: st.DrawFn, *, min_rules: int = 0, max_rules: int = 5) -> dict[str, object]:
    """Valid rule-file data (the TOML layout, loaded) with *min_rules* to *max_rules* rules.

    At most len(RULE_NAMES) rules: names are drawn from that pool.
    """
    names = draw(
        st.lists(st.sampled_from(RULE_NAMES), min_size=min_rules, max_size=max_rules, unique=True)
    )
    declared = draw(st.lists(st.sampled_from(_EXTRA_POLICIES), unique=True))
    policies = tuple(sorted(KNOWN_POLICIES)) + tuple(declared)
    data: dict[str, object] = {"rule": [draw(_rule(name, policies)) for name in names]}
    if declared:
        data["policies"] = declared
    return data


def rule_books(*, min_rules: int = 0, max_rules: int = 5) -> st.SearchStrategy[RuleBook]:
    """Rule books loaded from rule_data."""
    return rule_data(min_rules=min_rules, max_rules=max_rules).map(RuleBook.from_dict)
