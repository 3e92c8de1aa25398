"""Rule-file limits and odd keys: the window bound, the window without contacts, non-str keys."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.escalation import (
    MAX_WINDOW_DAYS,
    Conditions,
    EscalationFacts,
    Priority,
    RuleBook,
    RuleFileError,
    Severity,
    Ticket,
)
from lia_core.testing.escalation import rule_data

NOW = datetime(2026, 5, 4, 14, 0, tzinfo=UTC)
TICKET = Ticket.open(
    id="T1", department="suporte", priority=Priority.LOW, severity=Severity.LOW, at=NOW
)


def _rule(when: dict[str, object]) -> dict[str, object]:
    return {"rule": [{"name": "r", "when": when, "then": {"notify": "sla-alert"}}]}


@pytest.mark.parametrize("days", [MAX_WINDOW_DAYS + 1, 1_000_000, 10**12])
def test_a_window_beyond_the_limit_is_refused_at_load(days: int) -> None:
    """repeat_window_days above MAX_WINDOW_DAYS is a RuleFileError naming the field and line."""
    with pytest.raises(RuleFileError, match=f"at most {MAX_WINDOW_DAYS}") as caught:
        RuleBook.from_dict(_rule({"repeat_contacts": 1, "repeat_window_days": days}))
    assert caught.value.field == "rule[0].when.repeat_window_days"
    text = (
        '[[rule]]\nname = "r"\n[rule.when]\nrepeat_contacts = 1\n'
        f'repeat_window_days = {days}\n[rule.then]\nnotify = "sla-alert"\n'
    )
    with pytest.raises(RuleFileError) as in_file:
        RuleBook.from_toml(text)
    assert in_file.value.line == 5
    with pytest.raises(ValidationError):
        Conditions(repeat_contacts=1, repeat_window_days=days)


def test_the_longest_window_loads_and_evaluates() -> None:
    """A window of MAX_WINDOW_DAYS days loads and counts contacts without overflowing."""
    book = RuleBook.from_dict(_rule({"repeat_contacts": 1, "repeat_window_days": MAX_WINDOW_DAYS}))
    facts = EscalationFacts(ticket=TICKET, now=NOW, contacts=[NOW - timedelta(days=3000)])
    assert book.rules[0].when.holds(facts)


def test_contacts_within_a_huge_window_counts_every_past_contact() -> None:
    """contacts_within never overflows: a window past year 1 counts all contacts up to now."""
    early = datetime(1, 1, 2, tzinfo=UTC)
    facts = EscalationFacts(ticket=TICKET, now=NOW, contacts=[early, NOW, NOW + timedelta(1)])
    assert facts.contacts_within(1_000_000) == 2
    assert facts.contacts_within(10**12) == 2


@pytest.mark.parametrize("days", [1, 7, 14])
def test_a_window_without_repeat_contacts_is_refused_whatever_its_value(days: int) -> None:
    """repeat_window_days alone is refused even when it equals the default 7."""
    with pytest.raises(RuleFileError, match="needs repeat_contacts") as caught:
        RuleBook.from_dict(_rule({"vip": True, "repeat_window_days": days}))
    assert caught.value.field == "rule[0].when.repeat_window_days"
    text = f'[[rule]]\nname = "r"\n[rule.when]\nvip = true\nrepeat_window_days = {days}\n'
    with pytest.raises(RuleFileError) as in_file:
        RuleBook.from_toml(text + '[rule.then]\nnotify = "sla-alert"\n')
    assert in_file.value.line == 5


ODD_KEYS = [None, 1.5, 1, True, (1, 2), b"rule"]


@pytest.mark.parametrize("key", ODD_KEYS)
@pytest.mark.parametrize("level", ["top", "rule", "when", "then"])
def test_a_non_str_key_is_an_unknown_field_at_every_level(key: object, level: str) -> None:
    """A key that is not a string is reported as an unknown field, never a TypeError."""
    rule: dict[object, object] = {
        "name": "r",
        "when": {"vip": True},
        "then": {"notify": "sla-alert"},
    }
    data: dict[object, object] = {"rule": [rule]}
    target = {"top": data, "rule": rule, "when": rule["when"], "then": rule["then"]}[level]
    assert isinstance(target, dict)
    target[key] = 1
    with pytest.raises(RuleFileError, match=f"unknown .* {re.escape(repr(key))}") as caught:
        RuleBook.from_dict(data)  # type: ignore[arg-type]
    assert str(caught.value.field).endswith(repr(key))


def test_a_none_key_names_the_field() -> None:
    """The reviewer's case: {None: 1} is an unknown top-level field None."""
    with pytest.raises(RuleFileError, match="unknown top-level field None"):
        RuleBook.from_dict({None: 1})  # type: ignore[dict-item]


_KEYS = st.none() | st.integers() | st.floats() | st.booleans() | st.text(max_size=8)


def _rekey_somewhere(data: object, key: object, choice: int) -> object:
    """A copy of *data* where one dict (picked by *choice*) gains *key* (or has one renamed)."""
    if isinstance(data, list) and data:
        items = list(data)
        items[choice % len(items)] = _rekey_somewhere(items[choice % len(items)], key, choice // 2)
        return items
    if not isinstance(data, dict):
        return data
    copy: dict[object, object] = dict(data)
    nested = [k for k in sorted(copy, key=str) if isinstance(copy[k], dict | list)]
    if nested and choice % 3:
        inner = nested[choice % len(nested)]
        copy[inner] = _rekey_somewhere(copy[inner], key, choice // 3)
        return copy
    if copy and choice % 2:  # rename an existing key
        old = sorted(copy, key=str)[choice % len(copy)]
        copy[key] = copy.pop(old)
    else:
        copy[key] = 1
    return copy


@given(rule_data(min_rules=1), _KEYS, st.integers(0, 10_000))
def test_any_corrupted_key_is_loaded_or_refused_cleanly(
    data: dict[str, object], key: object, choice: int
) -> None:
    """Whatever key lands in whichever table, loading succeeds or raises RuleFileError."""
    corrupted = _rekey_somewhere(data, key, choice)
    assert isinstance(corrupted, dict)
    outcome: RuleBook | RuleFileError
    try:
        outcome = RuleBook.from_dict(corrupted)
    except RuleFileError as error:
        outcome = error
    assert isinstance(outcome, RuleBook) or outcome.line is None
