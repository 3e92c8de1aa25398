"""The desk-policy file: the shipped example and the built-in policy load, what `to_toml` writes
`from_toml` reads back equal, and every fault is reported with its line."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.desk.policy import DeskPolicy, builtin_desk_policy
from lia_core.desk.policy_file import DEFAULT_NOTIFY_CHANNELS, DeskPolicyFileError
from lia_core.domain.delivery import Channel
from lia_core.domain.tickets import Priority, Severity, SupportLevel
from lia_core.errors import ValidationError
from lia_core.escalation.rules import KNOWN_POLICIES
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.policy import PolicyBook, PolicyRule
from lia_core.sla.workweek import HolidayRules
from lia_core.testing.escalation import rule_books
from lia_core.testing.sla import business_calendars, sla_policies

EXAMPLE = Path(__file__).parents[4] / "docs" / "examples" / "desk-policy.toml"
_NAMES = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", fullmatch=True)
_DEPARTMENTS = st.text(st.characters(categories=("L", "N", "P", "Zs"), exclude_characters=","), min_size=1,
                       max_size=8).map(str.strip).filter(bool)  # fmt: skip


@st.composite
def desk_policies(draw: st.DrawFn) -> DeskPolicy:
    """Policies the format can say: one calendar, distinct names, channels for every policy."""
    calendar = draw(business_calendars())
    names = draw(st.lists(_NAMES, min_size=1, max_size=3, unique=True))
    policies = [attrs.evolve(draw(sla_policies(st.just(calendar))), name=name) for name in names]
    rules = [
        PolicyRule(
            policy=draw(st.sampled_from(policies)),
            priorities=draw(st.frozensets(st.sampled_from(Priority))),
            severities=draw(st.frozensets(st.sampled_from(Severity))),
            departments=draw(st.frozensets(_DEPARTMENTS, max_size=2)),
            channels=draw(st.frozensets(st.sampled_from([c.value for c in Channel]), max_size=2)),
            vip=draw(st.none() | st.booleans()),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    book = draw(rule_books())
    channel_lists = st.lists(st.sampled_from(Channel), unique=True, max_size=4).map(tuple)
    channels = {name: draw(channel_lists) for name in sorted(book.policies)}
    return DeskPolicy(
        sla=PolicyBook(rules=tuple(rules), fallback=policies[0]), rules=book, channels=channels
    )


def test_the_example_file_loads_as_shipped() -> None:
    """docs/examples/desk-policy.toml loads, with its VIP policy, holidays and channels."""
    policy = DeskPolicy.from_toml(EXAMPLE.read_text(encoding="utf-8"), source=str(EXAMPLE))
    assert policy.sla.fallback.name == "standard"
    assert [rule.policy.name for rule in policy.sla.rules] == ["vip-24x7", "vip-24x7"]
    assert policy.calendar.holidays.subdivisions == ("RJ",)
    assert policy.channels["legal-team"] == (Channel.SMS,)
    assert policy.rules.rules[0].when.level_at_least is SupportLevel.N2
    assert DeskPolicy.from_toml(policy.to_toml()) == policy


def test_the_builtin_policy_is_expressible() -> None:
    """The built-in policy written as TOML reads back equal."""
    builtin = builtin_desk_policy("America/Manaus")
    assert DeskPolicy.from_toml(builtin.to_toml()) == builtin


def test_an_empty_file_is_the_builtin_targets_without_rules() -> None:
    """With nothing set: Mon-Fri 08-18 in the given timezone, Brazil's holidays, no rules."""
    policy = DeskPolicy.from_toml("", timezone="America/Recife")
    builtin = builtin_desk_policy("America/Recife")
    assert policy.sla == builtin.sla
    assert policy.rules.rules == ()
    assert policy.channels["sla-alert"] == DEFAULT_NOTIFY_CHANNELS


def test_a_declared_policy_without_channels_gets_the_default() -> None:
    """A declared notification policy left out of [notifications] uses whatsapp, sms, push."""
    policy = DeskPolicy.from_toml('policies = ["legal"]\n[notifications]\nsla-alert = []\n')
    assert policy.channels["legal"] == DEFAULT_NOTIFY_CHANNELS
    assert policy.channels["sla-alert"] == ()


def test_holidays_table_without_country_means_only_custom_dates() -> None:
    """[calendar.holidays] with custom dates only drops the national holidays."""
    policy = DeskPolicy.from_toml('[calendar.holidays]\ncustom = ["2026-11-20"]\n')
    assert policy.calendar.holidays.country is None
    assert len(policy.calendar.holidays.custom) == 1


BAD = """version = 1
default_policy = "nope"
colour = "blue"

[calendar.hours]
monday = "08:00-25:00"

[[sla_policy]]
name = "standard"

[sla_policy.priority.urgent]
first_response = -3

[[sla_rule]]
policy = "ghost"

[notifications]
sla-alert = ["pigeon"]

[[rule]]
name = "x"
[rule.when]
priorty = "high"
[rule.then]
notify = ["sla-alert"]
"""


def test_every_fault_is_reported_with_its_line() -> None:
    """Each faulty part of a file is one error naming the source and its line, in line order."""
    with pytest.raises(DeskPolicyFileError) as raised:
        DeskPolicy.from_toml(BAD, source="bad.toml")
    found = [(e.line, e.problem.split(" (")[0]) for e in raised.value.errors]
    assert found == [
        (2, "unknown sla_policy 'nope'"),
        (3, "unknown top-level field 'colour'"),
        (6, "bad hours '08:00-25:00' for monday"),
        (12, "first_response must be a positive number of minutes"),
        (15, "unknown sla_policy 'ghost'"),
        (18, "sla-alert must be one of whatsapp, evolution, sms, push, sandbox"),
        (23, "unknown condition 'priorty' in rule \"x\""),
    ]
    assert str(raised.value).startswith("bad.toml:2: ")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a = [", 1, "invalid TOML"),
        ('[calendar]\ntimezone = "Mars/Base"\n', 2, "unknown timezone"),
        ("[calendar.holidays]\ncountry = 'XX'\n", 2, "XX"),
        ("[calendar.hours]\nsaturday = ''\n", 1, "needs working hours"),
        ('[[sla_policy]]\nname = "a"\n[[sla_policy]]\nname = "b"\n', 1, "default_policy"),
        ('[[sla_policy]]\nname = "a"\n[[sla_policy]]\nname = "a"\n', 4, "defined twice"),
        ('[[sla_policy]]\nname = "a"\nwarning_at = 1.5\n', 3, "warning_at"),
        ('[notifications]\nlegal = ["sms"]\n', 2, "unknown field 'legal'"),
        ('[notifications]\nsla-alert = ["sms", "sms"]\n', 2, "twice"),
        ('[calendar.holidays]\ncustom = ["20/11/2026"]\n', 2, "not a date"),
    ],
)
def test_single_faults_name_their_line(text: str, line: int, words: str) -> None:
    """A single fault is one error at its line, its message saying what is wrong."""
    with pytest.raises(DeskPolicyFileError) as raised:
        DeskPolicy.from_toml(text, source="p.toml")
    assert [e.line for e in raised.value.errors] == [line]
    assert words in raised.value.errors[0].problem


@given(desk_policies())
def test_what_to_toml_writes_from_toml_reads_back_equal(policy: DeskPolicy) -> None:
    """Any policy the format can say survives a round trip through its TOML."""
    assert DeskPolicy.from_toml(policy.to_toml(), timezone="UTC") == policy


_VALUE_LINE = re.compile(r"^([a-z_-]+) = (.+)$")


@given(desk_policies(), st.data())
def test_a_corrupted_value_names_its_line(policy: DeskPolicy, data: st.DataObject) -> None:
    """Replacing any one value of a written policy by a number of the wrong kind is an error
    reported at that line."""
    lines = policy.to_toml().split("\n")
    candidates = [n for n, text in enumerate(lines) if _VALUE_LINE.match(text)]
    chosen = data.draw(st.sampled_from(candidates))
    key = _VALUE_LINE.match(lines[chosen]).group(1)  # type: ignore[union-attr]
    lines[chosen] = f"{key} = -1.5"
    with pytest.raises(DeskPolicyFileError) as raised:
        DeskPolicy.from_toml("\n".join(lines), source="corrupt.toml")
    assert chosen + 1 in [e.line for e in raised.value.errors]


def test_to_toml_refuses_what_the_format_cannot_say() -> None:
    """Two SLA policies on different calendars cannot be written as one file."""
    builtin = builtin_desk_policy()
    other = attrs.evolve(
        builtin.sla.fallback,
        name="other",
        calendar=BusinessCalendar(hours=builtin.calendar.hours, holidays=HolidayRules()),
    )
    policy = attrs.evolve(
        builtin,
        sla=PolicyBook(rules=(PolicyRule(policy=other),), fallback=builtin.sla.fallback),
    )
    with pytest.raises(ValidationError, match="own calendar"):
        policy.to_toml()


def test_known_policies_always_have_channels() -> None:
    """Every built-in notification policy has channels in a loaded policy."""
    assert DeskPolicy.from_toml("").channels.keys() >= KNOWN_POLICIES


def test_a_broken_sla_policy_is_one_fault_not_a_cascade() -> None:
    """A fault inside an sla_policy is reported at its line, not again where it is named."""
    text = (
        'version = 1\ndefault_policy = "desk"\n\n[[sla_rule]]\npolicy = "desk"\nvip = true\n\n'
        '[[sla_policy]]\nname = "desk"\nwarning_at = "soon"\n'
    )
    with pytest.raises(DeskPolicyFileError) as caught:
        DeskPolicy.from_toml(text, source="desk.toml")
    assert [e.line for e in caught.value.errors] == [10]
