"""A rule book: ordered escalation rules loaded from a dict or TOML, and written back out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import attrs

from lia_core.errors import ValidationError
from lia_core.escalation._parsing import parse, parse_toml
from lia_core.escalation.rules import KNOWN_POLICIES, Rule, is_slug
from lia_core.sla.readings import SlaState

__all__ = ["RuleBook"]


@attrs.frozen(kw_only=True)
class RuleBook:
    """Escalation rules in file order, and the notification policies they may name.

    Rule names are unique slugs; every policy a rule notifies is one of KNOWN_POLICIES or
    listed in *declared_policies*.
    """

    rules: tuple[Rule, ...] = ()
    declared_policies: frozenset[str] = frozenset()
    """Policies beyond KNOWN_POLICIES that this book's rules may notify."""

    def __attrs_post_init__(self) -> None:
        for name in self.declared_policies:
            if not is_slug(name):
                raise ValidationError(f"policy name {name!r} is not a slug", field="policies")
        names = [rule.name for rule in self.rules]
        if len(set(names)) != len(names):
            raise ValidationError("rule names must be unique", field="name")
        for rule in self.rules:
            unknown = set(rule.then.notify) - self.policies
            if unknown:
                raise ValidationError(
                    f"rule {rule.name!r} notifies undeclared policy {sorted(unknown)[0]!r}",
                    field="notify",
                )

    @property
    def policies(self) -> frozenset[str]:
        """Every notification policy a rule of this book may name."""
        return KNOWN_POLICIES | self.declared_policies

    @classmethod
    def from_dict(cls, data: Mapping[str, object], *, source: str = "<dict>") -> RuleBook:
        """The book described by *data* (the TOML layout, loaded); RuleFileError if invalid."""
        rules, declared = parse(data, source=source, lines=None)
        return cls(rules=rules, declared_policies=declared)

    @classmethod
    def from_toml(cls, text: str, *, source: str = "<string>") -> RuleBook:
        """The book written in TOML *text*; RuleFileError naming *source* and the line at fault."""
        rules, declared = parse_toml(text, source=source)
        return cls(rules=rules, declared_policies=declared)

    @classmethod
    def from_file(cls, path: str | Path) -> RuleBook:
        """Read a UTF-8 TOML rule file; errors name the file and the line."""
        return cls.from_toml(Path(path).read_text(encoding="utf-8"), source=str(path))

    def to_dict(self) -> dict[str, object]:
        """The book as data that from_dict reads back to an equal book."""
        data: dict[str, object] = {"version": 1}
        if self.declared_policies:
            data["policies"] = sorted(self.declared_policies)
        data["rule"] = [_rule_dict(rule) for rule in self.rules]
        return data

    def to_toml(self) -> str:
        """The book as TOML that from_toml reads back to an equal book."""
        out = ["version = 1"]
        if self.declared_policies:
            out.append(f"policies = {_value(sorted(self.declared_policies))}")
        for rule in self.rules:
            raw = _rule_dict(rule)
            out += ["", "[[rule]]"]
            out += [f"{key} = {_value(raw[key])}" for key in ("name", "reason") if key in raw]
            for section in ("when", "then"):
                table = raw[section]
                assert isinstance(table, dict)
                out += ["", f"[rule.{section}]"]
                out += [f"{key} = {_value(value)}" for key, value in table.items()]
        return "\n".join(out) + "\n"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return _string(str(value))


_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F) if c != ord("\t")})


def _string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters but tab escaped."""
    return '"' + text.translate(_ESCAPES) + '"'


def _rule_dict(rule: Rule) -> dict[str, object]:
    when = rule.when
    conditions: dict[str, object] = {}
    if when.sla_state:
        conditions["sla_state"] = [s.value for s in SlaState if s in when.sla_state]
    for key in ("priority_at_least", "severity_at_least", "level_at_least"):
        level = getattr(when, key)
        if level is not None:
            conditions[key] = level.value
    for key in ("vip", "nps_detractor"):
        if getattr(when, key) is not None:
            conditions[key] = getattr(when, key)
    if when.repeat_contacts is not None:
        conditions["repeat_contacts"] = when.repeat_contacts
        conditions["repeat_window_days"] = when.repeat_window_days
    if when.intents:
        conditions["intents"] = sorted(when.intents)
    if when.keywords:
        conditions["keywords"] = list(when.keywords)
    if when.linked_active_outage is not None:
        conditions["linked_active_outage"] = when.linked_active_outage
    actions: dict[str, object] = {}
    if rule.then.escalate_to is not None:
        actions["escalate_to"] = rule.then.escalate_to.value
    if rule.then.raise_priority is not None:
        actions["raise_priority"] = rule.then.raise_priority.value
    if rule.then.notify:
        actions["notify"] = list(rule.then.notify)
    out: dict[str, object] = {"name": rule.name}
    if rule.reason is not None:
        out["reason"] = rule.reason
    out["when"] = conditions
    out["then"] = actions
    return out
