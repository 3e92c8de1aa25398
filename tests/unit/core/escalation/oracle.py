"""A naive rules engine over the raw rule data, written without lia_core.escalation's code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

import attrs
from hypothesis import settings

from lia_core.domain.text import fold
from lia_core.escalation import EscalationFacts, NotificationKey

PROPERTIES = settings(max_examples=150)
"""More examples than the project profile (tests/conftest.py), whose other settings apply."""

PRIORITIES = ["low", "medium", "high", "urgent"]
SEVERITIES = ["low", "medium", "high", "critical"]
LEVELS = ["N1", "N2", "N3"]


@attrs.frozen
class Expected:
    """What the oracle says an evaluation holds (None: no such action)."""

    matched: list[str]
    level: str | None
    level_rule: str | None
    priority: str | None
    priority_rule: str | None
    notifications: list[NotificationKey]


def _contains_words(text: str, phrase: str) -> bool:
    """Whether the words of *phrase* appear consecutively among the words of *text*."""
    words, wanted = fold(text).split(), fold(phrase).split()
    return any(words[i : i + len(wanted)] == wanted for i in range(len(words)))


def _holds(
    key: str,
    value: object,
    rule: Mapping[str, object],
    facts: EscalationFacts,
    priority: int,
    level: int,
) -> bool:
    ticket = facts.ticket
    if key == "sla_state":
        assert isinstance(value, list)
        return facts.sla_state is not None and facts.sla_state.value in value
    if key == "priority_at_least":
        return priority >= PRIORITIES.index(str(value))
    if key == "level_at_least":
        return level >= LEVELS.index(str(value))
    if key == "severity_at_least":
        return SEVERITIES.index(ticket.severity.value) >= SEVERITIES.index(str(value))
    if key in ("vip", "nps_detractor", "linked_active_outage"):
        return bool(getattr(facts, key) == value)
    if key == "repeat_contacts":
        assert isinstance(value, int)
        days = rule.get("repeat_window_days", 7)
        assert isinstance(days, int)
        window = timedelta(days=days)
        recent = [c for c in facts.contacts if timedelta(0) <= facts.now - c <= window]
        return len(recent) >= value
    if key == "repeat_window_days":
        return True
    if key == "intents":
        assert isinstance(value, list)
        return any(intent in facts.intents for intent in value)
    if key == "keywords":
        assert isinstance(value, list)
        return any(_contains_words(facts.text, str(k)) for k in value)
    raise AssertionError(f"unexpected condition {key}")


def _section(rule: Mapping[str, object], name: str) -> Mapping[str, object]:
    table = rule[name]
    assert isinstance(table, Mapping)
    return table


def naive_evaluate(data: Mapping[str, object], facts: EscalationFacts) -> Expected:
    """Check the rules of *data* one by one, re-checking after each priority or level raise."""
    ticket = facts.ticket
    rules = data.get("rule", [])
    assert isinstance(rules, Sequence)
    if ticket.status.value in ("resolved", "closed"):
        return Expected([], None, None, None, None, [])
    priority = PRIORITIES.index(ticket.priority.value)
    reached = LEVELS.index(ticket.level.value)
    while True:
        matched = [
            r
            for r in rules
            if all(
                _holds(k, v, r["when"], facts, priority, reached)
                for k, v in _section(r, "when").items()
            )
        ]
        raised = [
            PRIORITIES.index(str(_section(r, "then")["raise_priority"]))
            for r in matched
            if "raise_priority" in _section(r, "then")
        ]
        lifted = [
            LEVELS.index(str(_section(r, "then")["escalate_to"]))
            for r in matched
            if "escalate_to" in _section(r, "then")
        ]
        top, high = max(raised, default=-1), max(lifted, default=-1)
        if top <= priority and high <= reached:
            break
        priority, reached = max(priority, top), max(reached, high)
    level, level_rule = None, None
    best = LEVELS.index(ticket.level.value)
    for r in matched:
        wanted = _section(r, "then").get("escalate_to")
        if wanted is not None and LEVELS.index(str(wanted)) > best:
            best, level, level_rule = LEVELS.index(str(wanted)), str(wanted), str(r["name"])
    keys: list[NotificationKey] = []
    for r in matched:
        notify = _section(r, "then").get("notify", [])
        assert isinstance(notify, list)
        for policy in notify:
            key = NotificationKey(ticket_id=ticket.id, policy=policy, rule=str(r["name"]))
            if key not in facts.notified and key not in keys:
                keys.append(key)
    new_priority, priority_rule = None, None
    if priority > PRIORITIES.index(ticket.priority.value):
        new_priority = PRIORITIES[priority]
        priority_rule = next(
            str(r["name"])
            for r in matched
            if _section(r, "then").get("raise_priority") == new_priority
        )
    names = [str(r["name"]) for r in matched]
    return Expected(names, level, level_rule, new_priority, priority_rule, keys)
