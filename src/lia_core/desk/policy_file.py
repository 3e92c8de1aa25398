"""Read the desk-policy TOML document (docs/tickets.md, "The desk policy") into a `DeskPolicy`.

Each part of the file is checked on its own, so one load reports every faulty part (the
calendar, each SLA policy and selection rule, the notification channels, the escalation
rules), each fault with its line: `DeskPolicyFileError.errors`. `policy_to_toml` (in
`_policy_writer`) writes a policy back in the same format.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date
from typing import TypeVar

from lia_core.desk.policy import BUILTIN_CHANNELS, DeskPolicy, builtin_desk_policy
from lia_core.domain.delivery import Channel
from lia_core.domain.tickets import Priority, Severity
from lia_core.errors import ValidationError
from lia_core.escalation._locate import Path, line_of, locate_keys
from lia_core.escalation._parsing import parse as parse_rules
from lia_core.escalation._parsing import parse_toml as check_toml_syntax
from lia_core.escalation.book import RuleBook
from lia_core.escalation.errors import RuleFileError
from lia_core.escalation.rules import KNOWN_POLICIES, is_slug
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.policy import PolicyBook, PolicyRule, SlaPolicy, SlaTargets, Target, TimeBasis
from lia_core.sla.workweek import HolidayRules, WeeklyHours

__all__ = [
    "DEFAULT_NOTIFY_CHANNELS",
    "TOP_FIELDS",
    "WEEKDAYS",
    "DeskPolicyFileError",
    "parse_desk_policy",
]

TOP_FIELDS = (
    "version",
    "default_policy",
    "policies",
    "calendar",
    "sla_policy",
    "sla_rule",
    "notifications",
    "rule",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""The keys of ``[calendar.hours]``, Monday first."""
DEFAULT_NOTIFY_CHANNELS: tuple[Channel, ...] = (Channel.WHATSAPP, Channel.SMS, Channel.PUSH)
"""The channels of a notification policy the file names without listing its channels."""

_CALENDAR_FIELDS = ("timezone", "hours", "holidays")
_HOLIDAY_FIELDS = ("country", "subdivisions", "custom")
_POLICY_FIELDS = ("name", "basis", "warning_at", "pause_while_waiting", "priority", "severity")
_TARGET_FIELDS = ("first_response", "resolution")
_SELECT_FIELDS = ("policy", "priorities", "severities", "departments", "channels", "vip")
_OFFICE = "08:00-18:00"
E = TypeVar("E", Priority, Severity, Channel, TimeBasis)
T = TypeVar("T")


class DeskPolicyFileError(RuleFileError):
    """A desk-policy file with faults: ``errors`` holds each (line order), the first is this one."""

    def __init__(self, errors: Iterable[RuleFileError]) -> None:
        self.errors = tuple(sorted(errors, key=lambda e: e.line or 0))
        first = self.errors[0]
        super().__init__(first.problem, source=first.source, line=first.line, field=first.field)


class _Fault(Exception):
    """Stops reading one part of the file; the fault is already recorded."""


def _render(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Reader:
    """Collects faults with their lines while each part of the file is read."""

    def __init__(self, source: str, lines: dict[Path, int]) -> None:
        self.source = source
        self.lines = lines
        self.errors: list[RuleFileError] = []

    def fail(self, path: Path, problem: str) -> _Fault:
        """Record a fault at *path* and return the exception that abandons the part."""
        self.errors.append(
            RuleFileError(
                problem,
                source=self.source,
                line=line_of(self.lines, path),
                field=_render(path) or None,
            )
        )
        return _Fault()

    def part(self, read: Callable[..., T], *args: object) -> T | None:
        """Run *read* on this reader and *args*; None when it recorded a fault."""
        try:
            return read(self, *args)
        except _Fault:
            return None

    def table(self, path: Path, value: object, known: tuple[str, ...]) -> Mapping[str, object]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"{_render(path)} must be a table")
        for key in value:
            if key not in known:
                raise self.fail(
                    (*path, key),
                    f"unknown field {key!r} in {_render(path)} (known: {', '.join(known)})",
                )
        return value

    def text(self, path: Path, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"{path[-1]} must be a non-blank string")
        return value.strip()

    def texts(self, path: Path, value: object) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise self.fail(path, f"{path[-1]} must be a string or a list of strings")
        return tuple(items)

    def choice(self, path: Path, value: object, kind: type[E]) -> E:
        names = [str(member.value) for member in kind]
        if not isinstance(value, str) or value.lower() not in names:
            raise self.fail(path, f"{path[-1]} must be one of {', '.join(names)} (got {value!r})")
        return kind(value.lower())

    def flag(self, path: Path, value: object) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"{path[-1]} must be true or false")
        return value

    def check(self, path: Path, build: Callable[[], T]) -> T:
        """*build()*, its ValidationError recorded at *path*."""
        try:
            return build()
        except ValidationError as exc:
            raise self.fail(path, exc.message) from exc


def _shifts(reader: _Reader, path: Path, value: object) -> str:
    spec = ",".join(reader.texts(path, value)) if isinstance(value, list) else value
    if not isinstance(spec, str):
        raise reader.fail(path, f'{path[-1]} must be a string like "08:00-18:00" or a list')
    try:
        WeeklyHours.of({0: spec})
    except ValidationError:
        raise reader.fail(
            path, f"bad hours {spec!r} for {path[-1]} (write HH:MM-HH:MM, ending by 24:00)"
        ) from None
    return spec


def _calendar(reader: _Reader, raw: object, timezone: str) -> BusinessCalendar:
    path: Path = ("calendar",)
    data = reader.table(path, raw, _CALENDAR_FIELDS)
    zone = timezone
    if "timezone" in data:
        zone = reader.text((*path, "timezone"), data["timezone"])
    by_day: dict[int, str] = dict.fromkeys(range(5), _OFFICE)
    if "hours" in data:
        hours = reader.table((*path, "hours"), data["hours"], WEEKDAYS)
        by_day = {}
        for day, name in enumerate(WEEKDAYS):
            if name in hours:
                by_day[day] = _shifts(reader, (*path, "hours", name), hours[name])
    holidays = HolidayRules(country="BR")
    if "holidays" in data:
        holidays = _holidays(reader, data["holidays"])
    week = reader.check((*path, "hours"), lambda: WeeklyHours.of(by_day))
    if week.minutes_per_week == 0:
        raise reader.fail((*path, "hours"), "the calendar needs working hours on some day")
    return reader.check(
        (*path, "timezone"),
        lambda: BusinessCalendar(hours=week, timezone=zone, holidays=holidays),
    )


def _holidays(reader: _Reader, raw: object) -> HolidayRules:
    path: Path = ("calendar", "holidays")
    data = reader.table(path, raw, _HOLIDAY_FIELDS)
    country = reader.text((*path, "country"), data["country"]) if "country" in data else None
    subdivisions = reader.texts((*path, "subdivisions"), data.get("subdivisions", []))
    custom_raw = data.get("custom", [])
    if not isinstance(custom_raw, list):
        raise reader.fail((*path, "custom"), "custom must be a list of dates (2026-11-20)")
    custom: set[date] = set()
    for index, item in enumerate(custom_raw):
        custom.add(_date(reader, (*path, "custom", index), item))
    if subdivisions and country is None:
        raise reader.fail((*path, "subdivisions"), "subdivisions need a country")
    return reader.check(
        (*path, "country"),
        lambda: HolidayRules(
            country=country, subdivisions=tuple(subdivisions), custom=frozenset(custom)
        ),
    )


def _date(reader: _Reader, path: Path, value: object) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise reader.fail(path, f"not a date: {value!r} (write 2026-11-20)")


def _target(reader: _Reader, path: Path, value: object, basis: TimeBasis) -> Target:
    minutes: object = value
    if isinstance(value, Mapping):
        data = reader.table(path, value, ("minutes", "basis"))
        minutes = data.get("minutes")
        if "basis" in data:
            basis = reader.choice((*path, "basis"), data["basis"], TimeBasis)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise reader.fail(path, f"{path[-1]} must be a positive number of minutes")
    return Target(minutes=minutes, basis=basis)


def _targets(reader: _Reader, path: Path, raw: object, basis: TimeBasis) -> SlaTargets:
    data = reader.table(path, raw, _TARGET_FIELDS)
    found = {
        key: _target(reader, (*path, key), data[key], basis)
        for key in _TARGET_FIELDS
        if key in data
    }
    return SlaTargets(**found)


def _sla_policy(reader: _Reader, index: int, raw: object, calendar: BusinessCalendar) -> SlaPolicy:
    path: Path = ("sla_policy", index)
    data = reader.table(path, raw, _POLICY_FIELDS)
    if "name" not in data:
        raise reader.fail(path, f"sla_policy #{index + 1} needs a name")
    name = reader.text((*path, "name"), data["name"])
    if not is_slug(name):
        raise reader.fail((*path, "name"), f"policy name {name!r} is not a slug (like vip-24x7)")
    basis = TimeBasis.BUSINESS
    if "basis" in data:
        basis = reader.choice((*path, "basis"), data["basis"], TimeBasis)
    warning_at = data.get("warning_at", 0.7)
    if isinstance(warning_at, bool) or not isinstance(warning_at, int | float):
        raise reader.fail((*path, "warning_at"), "warning_at must be a number between 0 and 1")
    pause = reader.flag((*path, "pause_while_waiting"), data.get("pause_while_waiting", True))
    tables: dict[str, dict[object, SlaTargets]] = {"priority": {}, "severity": {}}
    for key, kind in (("priority", Priority), ("severity", Severity)):
        section = data.get(key, {})
        names = tuple(str(m.value) for m in kind)
        for level, targets in reader.table((*path, key), section, names).items():
            where = (*path, key, level)
            tables[key][kind(level)] = _targets(reader, where, targets, basis)
    return reader.check(
        (*path, "warning_at"),
        lambda: SlaPolicy(
            name=name,
            calendar=calendar,
            by_priority=tables["priority"],  # type: ignore[arg-type]
            by_severity=tables["severity"],  # type: ignore[arg-type]
            pause_while_waiting=pause,
            warning_at=float(warning_at),
        ),
    )


def _choices(reader: _Reader, path: Path, value: object, kind: type[E]) -> frozenset[E]:
    items = reader.texts(path, value)
    return frozenset(reader.choice(path, item, kind) for item in items)


def _selection(
    reader: _Reader,
    index: int,
    raw: object,
    policies: Mapping[str, SlaPolicy],
    broken: Collection[str],
) -> PolicyRule:
    path: Path = ("sla_rule", index)
    data = reader.table(path, raw, _SELECT_FIELDS)
    if "policy" not in data:
        raise reader.fail(path, f"sla_rule #{index + 1} needs a policy")
    name = reader.text((*path, "policy"), data["policy"])
    if name in broken:
        raise _Fault  # its own fault is recorded where it is defined
    if name not in policies:
        known = ", ".join(sorted(policies)) or "none defined"
        raise reader.fail((*path, "policy"), f"unknown sla_policy {name!r} (known: {known})")
    departments = reader.texts((*path, "departments"), data.get("departments", []))
    vip = reader.flag((*path, "vip"), data["vip"]) if "vip" in data else None
    channels = _choices(reader, (*path, "channels"), data.get("channels", []), Channel)
    return PolicyRule(
        policy=policies[name],
        priorities=_choices(reader, (*path, "priorities"), data.get("priorities", []), Priority),
        severities=_choices(reader, (*path, "severities"), data.get("severities", []), Severity),
        departments=frozenset(d.strip() for d in departments),
        channels=frozenset(c.value for c in channels),
        vip=vip,
    )


def _channels(
    reader: _Reader, raw: object, known: frozenset[str]
) -> dict[str, tuple[Channel, ...]]:
    path: Path = ("notifications",)
    data = reader.table(path, raw, tuple(sorted(known)))
    out: dict[str, tuple[Channel, ...]] = {}
    for name, value in data.items():
        where = (*path, name)
        items = reader.texts(where, value)
        chosen = tuple(reader.choice(where, item, Channel) for item in items)
        if len(set(chosen)) != len(chosen):
            raise reader.fail(where, f"a channel is listed twice for {name}")
        out[name] = chosen
    return out


def _sections(reader: _Reader, data: Mapping[str, object], key: str) -> list[object]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise reader.fail((key,), f"{key} entries are written as [[{key}]] tables")
    return raw


def parse_desk_policy(text: str, *, source: str, timezone: str) -> DeskPolicy:
    """The policy written in TOML *text*; DeskPolicyFileError with every fault and its line.

    *timezone* is the calendar's when the file names none (the `LIA_TIMEZONE` setting).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        try:  # the rule reader turns tomllib's message into a RuleFileError with the line
            check_toml_syntax(text, source=source)
        except RuleFileError as exc:
            raise DeskPolicyFileError([exc]) from None
        raise  # pragma: no cover - both read the same TOML
    reader = _Reader(source, locate_keys(text))
    for key in data:
        if key not in TOP_FIELDS:
            reader.fail((key,), f"unknown top-level field {key!r} (known: {', '.join(TOP_FIELDS)})")
    calendar = reader.part(_calendar, data.get("calendar", {}), timezone)
    builtin = builtin_desk_policy(timezone).sla.fallback
    policies: dict[str, SlaPolicy] = {}
    broken: set[str] = set()
    """Names of sla_policy tables with faults: naming them elsewhere is no second fault."""
    for index, raw in enumerate(reader.part(_sections, data, "sla_policy") or []):
        policy = reader.part(_sla_policy, index, raw, calendar or builtin.calendar)
        if policy is None and isinstance(raw, dict) and isinstance(raw.get("name"), str):
            broken.add(raw["name"])
        if policy is not None and policy.name in policies:
            where = ("sla_policy", index, "name")
            reader.fail(where, f"sla_policy {policy.name!r} is defined twice")
        elif policy is not None:
            policies[policy.name] = policy
    selections = [
        reader.part(_selection, index, raw, policies, broken)
        for index, raw in enumerate(reader.part(_sections, data, "sla_rule") or [])
    ]
    fallback = reader.part(_fallback, data, policies, builtin, calendar, broken)
    rules = _rules(reader, data)
    known = KNOWN_POLICIES | (rules.declared_policies if rules is not None else frozenset())
    channels = reader.part(_channels, data.get("notifications", {}), known)
    if reader.errors:
        raise DeskPolicyFileError(reader.errors)
    assert fallback is not None
    assert rules is not None
    assert channels is not None
    mapping = {name: BUILTIN_CHANNELS.get(name, DEFAULT_NOTIFY_CHANNELS) for name in sorted(known)}
    mapping.update(channels)
    book = PolicyBook(rules=tuple(s for s in selections if s is not None), fallback=fallback)
    return DeskPolicy(sla=book, rules=rules, channels=mapping)


def _fallback(
    reader: _Reader,
    data: Mapping[str, object],
    policies: Mapping[str, SlaPolicy],
    builtin: SlaPolicy,
    calendar: BusinessCalendar | None,
    broken: Collection[str],
) -> SlaPolicy:
    """The default policy: named, the only one defined, or the built-in targets."""
    if "default_policy" in data:
        name = reader.text(("default_policy",), data["default_policy"])
        if name in broken:
            raise _Fault  # its own fault is recorded where it is defined
        if name not in policies:
            known = ", ".join(sorted(policies)) or "none defined"
            raise reader.fail(("default_policy",), f"unknown sla_policy {name!r} (known: {known})")
        return policies[name]
    if len(policies) == 1:
        return next(iter(policies.values()))
    if policies:
        raise reader.fail(("sla_policy",), "several sla_policy tables: name one in default_policy")
    return SlaPolicy(
        name=builtin.name,
        calendar=calendar or builtin.calendar,
        by_priority=builtin.by_priority,
    )


def _rules(reader: _Reader, data: Mapping[str, object]) -> RuleBook | None:
    """The escalation rules (the layout of docs/examples/escalation-rules.toml)."""
    subset = {key: data[key] for key in ("version", "policies", "rule") if key in data}
    try:
        rules, declared = parse_rules(subset, source=reader.source, lines=reader.lines)
        return RuleBook(rules=rules, declared_policies=declared)
    except RuleFileError as exc:
        reader.errors.append(exc)
    except ValidationError as exc:
        reader.fail(("rule",), exc.message)
    return None
