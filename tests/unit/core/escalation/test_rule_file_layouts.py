"""Rule files in layouts other than to_toml's: the line at fault, odd line breaks, odd text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.escalation import RuleBook, RuleFileError
from lia_core.testing.escalation import rule_data

from .oracle import PROPERTIES

ODD_BREAKS = ["\u2028", "\u2029", "\x85"]
"""Characters str.splitlines() breaks on but TOML allows raw inside comments and strings."""


def _toml(value: object) -> str:
    """A TOML value written independently of RuleBook.to_toml (JSON is valid TOML here)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


def _inline(table: dict[str, object], bad: bool) -> str:
    """An inline table, with `bogus_key = 1` last when *bad*."""
    items = [f"{k} = {_toml(v)}" for k, v in table.items()] + (["bogus_key = 1"] if bad else [])
    return "{" + ", ".join(items) + "}"


def _rule_lines(rule: dict[str, object], layout: str, bad: str | None) -> tuple[list[str], int]:
    """Lines of one [[rule]] in *layout*; the 0-based index of the bad key's line, or -1."""
    when, then = rule["when"], rule["then"]
    assert isinstance(when, dict)
    assert isinstance(then, dict)
    head = [f"{k} = {_toml(rule[k])}" for k in ("name", "reason") if k in rule]
    out, at = ["[[rule]]", *head], -1
    for section, table in (("when", when), ("then", then)):
        if layout == "inline":
            at = len(out) if bad == section else at
            out.append(f"{section} = {_inline(table, bad == section)}")
            continue
        if layout == "tables":
            out.append(f"[rule.{section}]")
        prefix = f"{section}." if layout == "dotted" else ""
        out += [f"{prefix}{k} = {_toml(v)}" for k, v in table.items()]
        if bad == section:
            at = len(out)
            out.append(f"{prefix}bogus_key = 1")
    return out, at


@PROPERTIES
@given(
    rule_data(min_rules=1, max_rules=3),
    st.data(),
    st.sampled_from(["tables", "inline", "dotted", "array"]),
    st.sampled_from(["", *ODD_BREAKS]),
)
def test_a_bad_key_is_reported_at_its_line_in_any_layout(
    data: dict[str, object], draw: st.DataObject, layout: str, odd: str
) -> None:
    """An unknown key is reported where the test put it, in tables, inline, dotted or array layouts."""
    rules = data["rule"]
    assert isinstance(rules, list)
    target = draw.draw(st.integers(0, len(rules) - 1))
    section = draw.draw(st.sampled_from(["when", "then"]))
    lines = [f"# regras{odd}de escalonamento", "version = 1"]
    if "policies" in data:
        lines.append(f"policies = {_toml(data['policies'])}")
    expected = -1
    if layout == "array":
        lines.append("rule = [")
        for index, rule in enumerate(rules):
            fields = {k: rule[k] for k in ("name", "reason") if k in rule}
            items = [f"{k} = {_toml(v)}" for k, v in fields.items()]
            for name in ("when", "then"):
                items.append(f"{name} = {_inline(rule[name], index == target and name == section)}")
            if index == target:
                expected = len(lines)
            lines.append(f"  {{{', '.join(items)}}},  # regra{odd}{index}")
        lines.append("]")
    else:
        for index, rule in enumerate(rules):
            body, at = _rule_lines(rule, layout, section if index == target else None)
            lines.append(f'# "{odd}"')
            if at >= 0:
                expected = len(lines) + at
            lines += body
    text = "\n".join(lines) + "\n"
    with pytest.raises(RuleFileError) as caught:
        RuleBook.from_toml(text, source="layout.toml")
    assert caught.value.line == expected + 1, (str(caught.value), text)
    assert "'bogus_key'" in caught.value.problem


def test_an_inline_array_of_tables_points_at_the_element() -> None:
    """A bad key in the second inline table of `rule = [...]` is reported on that table's line."""
    text = (
        "rule = [\n"
        '  {name = "a", when = {vip = true}, then = {notify = "sla-alert"}},\n'
        '  {name = "b", when = {vip = true}, then = {notifi = "sla-alert"}},\n'
        "]\n"
    )
    with pytest.raises(RuleFileError) as caught:
        RuleBook.from_toml(text)
    assert caught.value.line == 3
    assert caught.value.field == "rule[1].then.notifi"


@pytest.mark.parametrize("odd", ODD_BREAKS)
def test_odd_line_breaks_in_comments_and_strings_do_not_shift_lines(odd: str) -> None:
    """U+2028, U+2029 and NEL in a comment or a string do not count as line ends."""
    text = (
        f'# note{odd}more\n[[rule]]\nname = "r"\nreason = "a{odd}b"\n'
        '[rule.when]\nvip = true\npriorty = "high"\n[rule.then]\nnotify = "sla-alert"\n'
    )
    with pytest.raises(RuleFileError) as caught:
        RuleBook.from_toml(text)
    assert caught.value.line == 7


_TEXT = st.text(min_size=1).filter(lambda s: bool(s.strip()))
_KEYWORD = st.text(min_size=1).filter(lambda s: any(c.isalnum() for c in s))


@given(_TEXT, st.lists(_KEYWORD, min_size=1, max_size=3, unique=True), st.text(max_size=8))
def test_any_text_round_trips_through_toml(reason: str, keywords: list[str], intent: str) -> None:
    """Reasons, keywords and intents with any characters (DEL, controls, U+2028) survive to_toml."""
    when: dict[str, object] = {"keywords": keywords, "intents": [intent or "x"]}
    data = {
        "rule": [{"name": "r", "reason": reason, "when": when, "then": {"notify": "sla-alert"}}]
    }
    try:
        book = RuleBook.from_dict(data)
    except RuleFileError:
        return  # e.g. a keyword whose letters fold away entirely
    assert RuleBook.from_toml(book.to_toml()) == book


def test_del_in_a_reason_round_trips() -> None:
    """U+007F, which TOML forbids raw in a string, is escaped by to_toml."""
    data = {"rule": [{"name": "r", "reason": "a\x7fb", "when": {"vip": True}, "then": {}}]}
    data["rule"][0]["then"] = {"notify": "sla-alert"}
    book = RuleBook.from_dict(data)
    assert RuleBook.from_toml(book.to_toml()) == book
