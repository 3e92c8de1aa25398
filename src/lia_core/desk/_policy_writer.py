"""Write a `DeskPolicy` as the TOML document `parse_desk_policy` reads back to an equal policy."""

from __future__ import annotations

import json
from collections.abc import Iterable

from lia_core.desk.policy import DeskPolicy
from lia_core.domain.tickets import Priority, Severity
from lia_core.errors import ValidationError
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.policy import PolicyRule, SlaPolicy, SlaTargets, Target, TimeBasis
from lia_core.sla.workweek import Shift

__all__ = ["policy_to_toml"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _string(text: str) -> str:
    # A JSON string is a TOML basic string, except that TOML forbids a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def _strings(items: Iterable[str]) -> str:
    return "[" + ", ".join(_string(item) for item in items) + "]"


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _shifts(day: tuple[Shift, ...]) -> str:
    return ",".join(f"{_clock(s.start)}-{_clock(s.end)}" for s in day)


def _calendar(calendar: BusinessCalendar) -> list[str]:
    out = ["[calendar]", f"timezone = {_string(calendar.timezone)}", "", "[calendar.hours]"]
    out += [
        f"{name} = {_string(_shifts(day))}"
        for name, day in zip(_WEEKDAYS, calendar.hours.days, strict=True)
        if day
    ]
    holidays = calendar.holidays
    out += ["", "[calendar.holidays]"]
    if holidays.country is not None:
        out.append(f"country = {_string(holidays.country)}")
    if holidays.subdivisions:
        out.append(f"subdivisions = {_strings(holidays.subdivisions)}")
    if holidays.custom:
        out.append("custom = [" + ", ".join(d.isoformat() for d in sorted(holidays.custom)) + "]")
    return out


def _target(target: Target) -> str:
    if target.basis is TimeBasis.BUSINESS:
        return str(target.minutes)
    return f'{{ minutes = {target.minutes}, basis = "{target.basis.value}" }}'


def _targets(header: str, targets: SlaTargets) -> list[str]:
    out = ["", header]
    for key in ("first_response", "resolution"):
        target = getattr(targets, key)
        if target is not None:
            out.append(f"{key} = {_target(target)}")
    return out


def _sla_policy(policy: SlaPolicy) -> list[str]:
    out = [
        "",
        "[[sla_policy]]",
        f"name = {_string(policy.name)}",
        'basis = "business"',
        f"warning_at = {policy.warning_at!r}",
        f"pause_while_waiting = {'true' if policy.pause_while_waiting else 'false'}",
    ]
    for priority in Priority:
        if priority in policy.by_priority:
            header = f"[sla_policy.priority.{priority.value}]"
            out += _targets(header, policy.by_priority[priority])
    for severity in Severity:
        if severity in policy.by_severity:
            header = f"[sla_policy.severity.{severity.value}]"
            out += _targets(header, policy.by_severity[severity])
    return out


def _selection(rule: PolicyRule) -> list[str]:
    out = ["", "[[sla_rule]]", f"policy = {_string(rule.policy.name)}"]
    if rule.priorities:
        out.append(f"priorities = {_strings(p.value for p in Priority if p in rule.priorities)}")
    if rule.severities:
        out.append(f"severities = {_strings(s.value for s in Severity if s in rule.severities)}")
    if rule.departments:
        out.append(f"departments = {_strings(sorted(rule.departments))}")
    if rule.channels:
        out.append(f"channels = {_strings(sorted(rule.channels))}")
    if rule.vip is not None:
        out.append(f"vip = {'true' if rule.vip else 'false'}")
    return out


def policy_to_toml(policy: DeskPolicy) -> str:
    """*policy* as a desk-policy document; ValidationError when the format cannot say it.

    Every SLA policy must share the default policy's calendar, and policies are told apart by
    name (one name, one policy).
    """
    calendar = policy.calendar
    sla_policies: dict[str, SlaPolicy] = {}
    for candidate in (policy.sla.fallback, *(rule.policy for rule in policy.sla.rules)):
        if candidate.calendar != calendar:
            raise ValidationError(
                f"sla_policy {candidate.name!r} has its own calendar; the file has one",
                field="calendar",
            )
        if sla_policies.setdefault(candidate.name, candidate) != candidate:
            raise ValidationError(
                f"two different sla policies are named {candidate.name!r}", field="sla_policy"
            )
    out = ["version = 1", f"default_policy = {_string(policy.sla.fallback.name)}"]
    if policy.rules.declared_policies:
        out.append(f"policies = {_strings(sorted(policy.rules.declared_policies))}")
    out += ["", *_calendar(calendar)]
    for sla_policy in sla_policies.values():
        out += _sla_policy(sla_policy)
    for rule in policy.sla.rules:
        out += _selection(rule)
    out += ["", "[notifications]"]
    out += [
        f"{name} = {_strings(c.value for c in channels)}"
        for name, channels in sorted(policy.channels.items())
    ]
    rules = policy.rules.to_toml()
    start = rules.find("[[rule]]")
    if start >= 0:
        out += ["", rules[start:].rstrip("\n")]
    return "\n".join(out) + "\n"
