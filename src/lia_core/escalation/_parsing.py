"""Turn loaded rule data (a dict, or TOML text) into rules, naming the line of any fault."""

from __future__ import annotations

import enum
import re
import tomllib
from collections.abc import Mapping
from typing import TypeVar

from lia_core.domain.tickets import Priority, Severity, SupportLevel
from lia_core.errors import ValidationError
from lia_core.escalation._locate import Path, line_of, locate_keys
from lia_core.escalation.errors import RuleFileError
from lia_core.escalation.rules import KNOWN_POLICIES, Actions, Conditions, Rule, is_slug
from lia_core.sla.readings import SlaState

__all__ = [
    "ACTION_FIELDS",
    "CONDITION_FIELDS",
    "RULE_FIELDS",
    "TOP_FIELDS",
    "Parsed",
    "parse",
    "parse_toml",
]

TOP_FIELDS = ("version", "policies", "rule")
RULE_FIELDS = ("name", "reason", "when", "then")
CONDITION_FIELDS = (
    "sla_state",
    "priority_at_least",
    "severity_at_least",
    "level_at_least",
    "vip",
    "nps_detractor",
    "repeat_contacts",
    "repeat_window_days",
    "intents",
    "keywords",
    "linked_active_outage",
)
ACTION_FIELDS = ("escalate_to", "raise_priority", "notify")
_ENUMS: dict[str, type[enum.Enum]] = {
    "priority_at_least": Priority,
    "severity_at_least": Severity,
    "level_at_least": SupportLevel,
    "escalate_to": SupportLevel,
    "raise_priority": Priority,
}
_BOOLS = frozenset({"vip", "nps_detractor", "linked_active_outage"})
_INTS = frozenset({"repeat_contacts", "repeat_window_days"})
_TOML_LINE = re.compile(r"at line (\d+)")

Parsed = tuple[tuple[Rule, ...], frozenset[str]]
"""The rules in order and the policies the data declared."""
E = TypeVar("E", bound=enum.Enum)


def _render(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Reader:
    def __init__(self, source: str, lines: dict[Path, int] | None) -> None:
        self.source = source
        self.lines = lines
        self.label: str | None = None
        """The rule being read ('rule "procon"'), named in messages that lack it."""

    def fail(self, path: Path, problem: str) -> RuleFileError:
        line = line_of(self.lines, path) if self.lines is not None else None
        if self.label is not None and self.label not in problem:
            problem = f"{problem} in {self.label}"
        return RuleFileError(problem, source=self.source, line=line, field=_render(path) or None)

    def table(self, path: Path, value: object, what: str) -> Mapping[str, object]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"{what} must be a table")
        return value

    def strings(self, path: Path, value: object, *, allow_empty: bool = False) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise self.fail(path, f"{path[-1]} must be a string or a list of strings")
        if not items and not allow_empty:
            raise self.fail(path, f"{path[-1]} must not be an empty list")
        return tuple(items)

    def choice(self, path: Path, value: object, kind: type[E]) -> E:
        names = [str(member.value) for member in kind]
        if not isinstance(value, str) or value not in names:
            raise self.fail(path, f"{path[-1]} must be one of {', '.join(names)} (got {value!r})")
        return kind(value)

    def unknown(
        self, path: Path, data: Mapping[str, object], known: tuple[str, ...], what: str
    ) -> None:
        """Refuse the first key of *data* not in *known*; *what* is "field in rule ..." etc."""
        for key in data:
            if not isinstance(key, str) or key not in known:
                kind, _, where = what.partition(" in ")
                place = f" in {where}" if where else ""
                part = key if isinstance(key, str) else repr(key)
                raise self.fail(
                    (*path, part), f"unknown {kind} {key!r}{place} (known: {', '.join(known)})"
                )


def _condition(reader: _Reader, path: Path, key: str, value: object) -> object:
    if key in _BOOLS:
        if not isinstance(value, bool):
            raise reader.fail(path, f"{key} must be true or false")
        return value
    if key in _INTS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise reader.fail(path, f"{key} must be a whole number")
        return value
    if key in _ENUMS:
        return reader.choice(path, value, _ENUMS[key])
    items = reader.strings(path, value)
    if key == "sla_state":
        return frozenset(reader.choice(path, item, SlaState) for item in items)
    return frozenset(items) if key == "intents" else items


def _rule(reader: _Reader, index: int, raw: object, policies: frozenset[str]) -> Rule:
    path: Path = ("rule", index)
    data = reader.table(path, raw, "each [[rule]]")
    name = data.get("name")
    label = f'rule "{name}"' if isinstance(name, str) else f"rule #{index + 1}"
    reader.label = label
    reader.unknown(path, data, RULE_FIELDS, f"field in {label}")
    if not isinstance(name, str):
        raise reader.fail((*path, "name"), f"{label} needs a name (a string)")
    reason = data.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise reader.fail((*path, "reason"), f"reason of {label} must be a string")
    sections: dict[str, dict[str, object]] = {}
    for section, known, what in (
        ("when", CONDITION_FIELDS, "condition"),
        ("then", ACTION_FIELDS, "action"),
    ):
        if section not in data:
            raise reader.fail(path, f"{label} has no [rule.{section}] table")
        table = reader.table((*path, section), data[section], f"{section} of {label}")
        reader.unknown((*path, section), table, known, f"{what} in {label}")
        values: dict[str, object] = {}
        for key, value in table.items():
            where = (*path, section, key)
            if section == "when":
                values[key] = _condition(reader, where, key, value)
            elif key == "notify":
                values[key] = reader.strings(where, value)
                for policy in reader.strings(where, value):
                    if policy not in policies:
                        known_names = ", ".join(sorted(policies))
                        raise reader.fail(
                            where,
                            f"unknown notification policy {policy!r} in {label} (known: "
                            f"{known_names}; declare others in the top-level policies list)",
                        )
            else:
                values[key] = reader.choice(where, value, _ENUMS[key])
        if section == "when" and "repeat_window_days" in table and "repeat_contacts" not in table:
            raise reader.fail(
                (*path, "when", "repeat_window_days"), "repeat_window_days needs repeat_contacts"
            )
        sections[section] = values
    try:
        when = Conditions(**sections["when"])  # type: ignore[arg-type]
    except ValidationError as exc:
        raise reader.fail((*path, "when", exc.field or ""), exc.message) from exc
    try:
        then = Actions(**sections["then"])
        return Rule(name=name, when=when, then=then, reason=reason)
    except ValidationError as exc:
        in_then = exc.field in ACTION_FIELDS
        where = (*path, "then", exc.field or "") if in_then else (*path, exc.field or "")
        raise reader.fail(where, exc.message) from exc


def parse(data: Mapping[str, object], *, source: str, lines: dict[Path, int] | None) -> Parsed:
    """Rules and declared policies from loaded data; *lines* (from TOML text) locates faults."""
    reader = _Reader(source, lines)
    reader.table((), data, "a rule file")
    reader.unknown((), data, TOP_FIELDS, "top-level field")
    version = data.get("version", 1)
    if type(version) is not int or version != 1:
        raise reader.fail(("version",), f"unsupported rule file version {version!r} (known: 1)")
    declared = reader.strings(("policies",), data.get("policies", []), allow_empty=True)
    for name in declared:
        if not is_slug(name):
            raise reader.fail(("policies",), f"policy name {name!r} is not a slug")
    policies = KNOWN_POLICIES | frozenset(declared)
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list | tuple):
        raise reader.fail(("rule",), "rules are written as [[rule]] tables")
    rules: list[Rule] = []
    for index, raw in enumerate(raw_rules):
        reader.label = None
        rule = _rule(reader, index, raw, policies)
        reader.label = None
        if any(r.name == rule.name for r in rules):
            raise reader.fail(("rule", index, "name"), f'rule name "{rule.name}" is used twice')
        rules.append(rule)
    return tuple(rules), frozenset(declared)


def parse_toml(text: str, *, source: str) -> Parsed:
    """Rules and declared policies from TOML *text*; syntax errors carry tomllib's line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = int(found.group(1)) if found else text.count("\n") + 1
        problem = _TOML_LINE.sub("", str(exc)).replace("(, column", "(column").strip()
        raise RuleFileError(f"invalid TOML: {problem}", source=source, line=line) from exc
    return parse(data, source=source, lines=locate_keys(text))
