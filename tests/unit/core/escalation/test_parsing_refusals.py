"""Rule data refused word for word: each fault's exact message and field path, and what loads."""

from __future__ import annotations

from typing import Any

import pytest

from lia_core.escalation import (
    DEFAULT_WINDOW_DAYS,
    MAX_WINDOW_DAYS,
    Priority,
    RuleBook,
    RuleFileError,
    Severity,
    SlaState,
    SupportLevel,
)

KNOWN = "sla_state, priority_at_least, severity_at_least, level_at_least, vip, nps_detractor, "
KNOWN += "repeat_contacts, repeat_window_days, intents, keywords, linked_active_outage"
ACTIONS = "escalate_to, raise_priority, notify"
POLICY_LIST = "sla-alert, ticket-escalation, ticket-priority-high"
R = 'in rule "r"'


def rule(**fields: object) -> dict[str, object]:
    """Rule "r" (vip, notify sla-alert) with *fields* replaced; a None value drops the field."""
    raw: dict[str, object] = {"name": "r", "when": {"vip": True}, "then": {"notify": "sla-alert"}}
    raw.update(fields)
    return {key: value for key, value in raw.items() if value is not None}


def book(*rules: object, **top: object) -> dict[str, object]:
    """Rule data holding *rules* and the top-level fields *top*."""
    return {**top, "rule": list(rules)}


def when(**conditions: object) -> dict[str, object]:
    """Rule data whose one rule has exactly *conditions*."""
    return book(rule(when=conditions))


def then(**actions: object) -> dict[str, object]:
    """Rule data whose one rule has exactly *actions*."""
    return book(rule(then=actions))


def refusal(data: object) -> tuple[str, str | None]:
    """The message and field of the RuleFileError that loading *data* raises (no line)."""
    with pytest.raises(RuleFileError) as caught:
        RuleBook.from_dict(data)  # type: ignore[arg-type]
    assert caught.value.line is None
    assert caught.value.source == "<dict>"
    assert str(caught.value) == f"<dict>: {caught.value.problem}"
    return caught.value.problem, caught.value.field


REFUSED: list[tuple[str, object, str, str | None]] = [
    ("not a table", [], "a rule file must be a table", None),
    (
        "unknown top-level",
        {"colour": 1},
        "unknown top-level field 'colour' (known: version, policies, rule)",
        "colour",
    ),
    ("version 2", {"version": 2}, "unsupported rule file version 2 (known: 1)", "version"),
    ("version 0", {"version": 0}, "unsupported rule file version 0 (known: 1)", "version"),
    ("version '1'", {"version": "1"}, "unsupported rule file version '1' (known: 1)", "version"),
    ("version true", {"version": True}, "unsupported rule file version True (known: 1)", "version"),
    ("version 1.0", {"version": 1.0}, "unsupported rule file version 1.0 (known: 1)", "version"),
    (
        "policies int",
        {"policies": 3},
        "policies must be a string or a list of strings",
        "policies",
    ),
    (
        "policy not a slug",
        {"policies": ["legal-team", "Legal Team"]},
        "policy name 'Legal Team' is not a slug",
        "policies",
    ),
    ("rule a table", {"rule": {"name": "r"}}, "rules are written as [[rule]] tables", "rule"),
    ("rule a string", {"rule": "r"}, "rules are written as [[rule]] tables", "rule"),
    ("rule item", book(rule(), 3), "each [[rule]] must be a table", "rule[1]"),
    (
        "unknown rule field",
        book(rule(colour=1)),
        f"unknown field 'colour' {R} (known: name, reason, when, then)",
        "rule[0].colour",
    ),
    (
        "unknown field of a nameless rule",
        book(rule(name=None, colour=1)),
        "unknown field 'colour' in rule #1 (known: name, reason, when, then)",
        "rule[0].colour",
    ),
    ("no name", book(rule(name=None)), "rule #1 needs a name (a string)", "rule[0].name"),
    (
        "second rule without a name",
        book(rule(), rule(name=None)),
        "rule #2 needs a name (a string)",
        "rule[1].name",
    ),
    ("name an int", book(rule(name=3)), "rule #1 needs a name (a string)", "rule[0].name"),
    (
        "name not a slug",
        book(rule(name="Bad Name")),
        "rule name 'Bad Name' is not a slug in rule \"Bad Name\"",
        "rule[0].name",
    ),
    (
        "reason an int",
        book(rule(reason=3)),
        'reason of rule "r" must be a string',
        "rule[0].reason",
    ),
    ("reason blank", book(rule(reason=" \t")), f"reason must not be blank {R}", "rule[0].reason"),
    (
        "reason a lone surrogate",
        book(rule(reason="\ud800")),
        f"reason is not valid Unicode text {R}",
        "rule[0].reason",
    ),
    ("no when", book(rule(when=None)), 'rule "r" has no [rule.when] table', "rule[0]"),
    ("no then", book(rule(then=None)), 'rule "r" has no [rule.then] table', "rule[0]"),
    ("when a list", book(rule(when=[])), 'when of rule "r" must be a table', "rule[0].when"),
    ("then a str", book(rule(then="N2")), 'then of rule "r" must be a table', "rule[0].then"),
    (
        "unknown condition",
        when(vip=True, colour=1),
        f"unknown condition 'colour' {R} (known: {KNOWN})",
        "rule[0].when.colour",
    ),
    (
        "unknown action",
        then(notify="sla-alert", page=1),
        f"unknown action 'page' {R} (known: {ACTIONS})",
        "rule[0].then.page",
    ),
    ("no condition", when(), 'rule "r" has no condition', "rule[0].when"),
    ("no action", then(), 'rule "r" has no action', "rule[0].then"),
    ("vip a str", when(vip="yes"), f"vip must be true or false {R}", "rule[0].when.vip"),
    (
        "nps_detractor 1",
        when(nps_detractor=1),
        f"nps_detractor must be true or false {R}",
        "rule[0].when.nps_detractor",
    ),
    (
        "linked_active_outage None-like",
        when(linked_active_outage=0),
        f"linked_active_outage must be true or false {R}",
        "rule[0].when.linked_active_outage",
    ),
    (
        "repeat_contacts a str",
        when(repeat_contacts="3"),
        f"repeat_contacts must be a whole number {R}",
        "rule[0].when.repeat_contacts",
    ),
    (
        "repeat_contacts true",
        when(repeat_contacts=True),
        f"repeat_contacts must be a whole number {R}",
        "rule[0].when.repeat_contacts",
    ),
    (
        "repeat_contacts a float",
        when(repeat_contacts=2.0),
        f"repeat_contacts must be a whole number {R}",
        "rule[0].when.repeat_contacts",
    ),
    (
        "the first bad condition is the one named",
        when(repeat_contacts="3", intents=3),
        f"repeat_contacts must be a whole number {R}",
        "rule[0].when.repeat_contacts",
    ),
    (
        "an unknown state is named before a later bad condition",
        when(sla_state=["late"], intents=3),
        f"sla_state must be one of ok, warning, breached (got 'late') {R}",
        "rule[0].when.sla_state",
    ),
    (
        "a window that is no number, alone",
        when(vip=True, repeat_window_days="3"),
        f"repeat_window_days must be a whole number {R}",
        "rule[0].when.repeat_window_days",
    ),
    (
        "a window alone",
        when(vip=True, repeat_window_days=DEFAULT_WINDOW_DAYS),
        f"repeat_window_days needs repeat_contacts {R}",
        "rule[0].when.repeat_window_days",
    ),
    (
        "repeat_contacts 0",
        when(repeat_contacts=0),
        f"repeat_contacts must be at least 1 {R}",
        "rule[0].when.repeat_contacts",
    ),
    (
        "a window of 0 days",
        when(repeat_contacts=1, repeat_window_days=0),
        f"repeat_window_days must be at least 1 {R}",
        "rule[0].when.repeat_window_days",
    ),
    (
        "a window past the limit",
        when(repeat_contacts=1, repeat_window_days=MAX_WINDOW_DAYS + 1),
        f"repeat_window_days must be at most {MAX_WINDOW_DAYS} {R}",
        "rule[0].when.repeat_window_days",
    ),
    (
        "priority_at_least",
        when(priority_at_least="hgih"),
        f"priority_at_least must be one of low, medium, high, urgent (got 'hgih') {R}",
        "rule[0].when.priority_at_least",
    ),
    (
        "severity_at_least an int",
        when(severity_at_least=3),
        f"severity_at_least must be one of low, medium, high, critical (got 3) {R}",
        "rule[0].when.severity_at_least",
    ),
    (
        "level_at_least",
        when(level_at_least="n2"),
        f"level_at_least must be one of N1, N2, N3 (got 'n2') {R}",
        "rule[0].when.level_at_least",
    ),
    (
        "sla_state unknown",
        when(sla_state=["warning", "late"]),
        f"sla_state must be one of ok, warning, breached (got 'late') {R}",
        "rule[0].when.sla_state",
    ),
    (
        "sla_state an int",
        when(sla_state=3),
        f"sla_state must be a string or a list of strings {R}",
        "rule[0].when.sla_state",
    ),
    (
        "sla_state empty",
        when(sla_state=[]),
        f"sla_state must not be an empty list {R}",
        "rule[0].when.sla_state",
    ),
    (
        "intents with a number",
        when(intents=["cancellation", 3]),
        f"intents must be a string or a list of strings {R}",
        "rule[0].when.intents",
    ),
    (
        "keywords a table",
        when(keywords={"procon": 1}),
        f"keywords must be a string or a list of strings {R}",
        "rule[0].when.keywords",
    ),
    (
        "keywords empty",
        when(keywords=()),
        f"keywords must not be an empty list {R}",
        "rule[0].when.keywords",
    ),
    (
        "a keyword without letters",
        when(keywords=["procon", "?!"]),
        f"keyword '?!' has no letter or digit to match {R}",
        "rule[0].when.keywords",
    ),
    (
        "escalate_to N4",
        then(escalate_to="N4"),
        f"escalate_to must be one of N1, N2, N3 (got 'N4') {R}",
        "rule[0].then.escalate_to",
    ),
    (
        "escalate_to N1",
        then(escalate_to="N1"),
        f"escalate_to must be N2 or N3 (nothing is below N1) {R}",
        "rule[0].then.escalate_to",
    ),
    (
        "raise_priority None-like",
        then(raise_priority=1),
        f"raise_priority must be one of low, medium, high, urgent (got 1) {R}",
        "rule[0].then.raise_priority",
    ),
    (
        "raise_priority low",
        then(raise_priority="low"),
        f"raise_priority to low never raises anything {R}",
        "rule[0].then.raise_priority",
    ),
    (
        "notify an int",
        then(notify=3),
        f"notify must be a string or a list of strings {R}",
        "rule[0].then.notify",
    ),
    (
        "notify empty",
        then(notify=[]),
        f"notify must not be an empty list {R}",
        "rule[0].then.notify",
    ),
    (
        "notify undeclared",
        then(notify=["sla-alert", "legal-team"]),
        f"unknown notification policy 'legal-team' {R} (known: {POLICY_LIST}; "
        "declare others in the top-level policies list)",
        "rule[0].then.notify",
    ),
    (
        "notify twice",
        then(notify=["sla-alert", "sla-alert"]),
        f"a policy is named twice {R}",
        "rule[0].then.notify",
    ),
    (
        "a name used twice",
        book(rule(name="a"), rule(), rule(name="a")),
        'rule name "a" is used twice',
        "rule[2].name",
    ),
]


@pytest.mark.parametrize(
    ("data", "problem", "field"),
    [pytest.param(data, problem, field, id=name) for name, data, problem, field in REFUSED],
)
def test_bad_data_is_refused_naming_the_problem_and_field(
    data: object, problem: str, field: str | None
) -> None:
    """Each fault is one RuleFileError: exact message, field path, source "<dict>", no line."""
    assert refusal(data) == (problem, field)


def test_a_declared_policy_is_listed_among_the_known_ones() -> None:
    """An unknown policy's message lists the declared policies with the built-in ones, sorted."""
    data = book(rule(then={"notify": "pager"}), policies=["legal-team", "audit"])
    known = f"audit, legal-team, {POLICY_LIST}"
    assert refusal(data) == (
        f"unknown notification policy 'pager' {R} (known: {known}; "
        "declare others in the top-level policies list)",
        "rule[0].then.notify",
    )


def test_a_fault_in_toml_names_the_source_line_and_field() -> None:
    """From TOML, the same fault carries the source, the line of the value and the field."""
    text = '[[rule]]\nname = "r"\n[rule.when]\nvip = true\n[rule.then]\nraise_priority = "low"\n'
    with pytest.raises(RuleFileError) as caught:
        RuleBook.from_toml(text, source="rules.toml")
    error = caught.value
    assert (error.source, error.line, error.field) == (
        "rules.toml",
        6,
        "rule[0].then.raise_priority",
    )
    assert str(error) == f"rules.toml:6: raise_priority to low never raises anything {R}"


def test_missing_top_level_fields_take_their_defaults() -> None:
    """Without version, policies or rule, the data is version 1, declares nothing, has no rules."""
    assert RuleBook.from_dict({}) == RuleBook()
    assert RuleBook.from_dict({"version": 1, "policies": [], "rule": ()}) == RuleBook()


def test_declared_policies_may_be_notified_alongside_the_known_ones() -> None:
    """A policy declared at the top level (one string or a list) is one a rule may notify."""
    loaded = RuleBook.from_dict(
        book(rule(then={"notify": ["legal-team", "sla-alert"]}), policies="legal-team")
    )
    assert loaded.declared_policies == frozenset({"legal-team"})
    assert loaded.rules[0].then.notify == ("legal-team", "sla-alert")


def _loaded(data: dict[str, object]) -> Any:
    """The one rule loaded from *data*."""
    (only,) = RuleBook.from_dict(data).rules
    return only


def test_every_condition_loads_into_its_value() -> None:
    """Each condition is read into its type: enums, bools, counts, sets and ordered keywords."""
    keywords = [f"palavra{i}" for i in range(12)]
    loaded = _loaded(
        when(
            sla_state=["warning", "breached"],
            priority_at_least="high",
            severity_at_least="critical",
            level_at_least="N2",
            vip=False,
            nps_detractor=True,
            repeat_contacts=3,
            repeat_window_days=MAX_WINDOW_DAYS,
            intents=["cancellation", "billing"],
            keywords=keywords,
            linked_active_outage=True,
        )
    )
    got = loaded.when
    assert got.sla_state == frozenset({SlaState.WARNING, SlaState.BREACHED})
    assert got.priority_at_least is Priority.HIGH
    assert got.severity_at_least is Severity.CRITICAL
    assert got.level_at_least is SupportLevel.N2
    assert (got.vip, got.nps_detractor, got.linked_active_outage) == (False, True, True)
    assert (got.repeat_contacts, got.repeat_window_days) == (3, MAX_WINDOW_DAYS)
    assert got.intents == frozenset({"cancellation", "billing"})
    assert got.keywords == tuple(keywords)
    assert loaded.reason is None
    assert loaded.escalation_reason == 'rule "r"'


def test_single_strings_load_as_one_member() -> None:
    """A bare string where a list is expected is a list of one: sla_state, intents, keywords."""
    got = _loaded(when(sla_state="breached", intents="cancellation", keywords="procon")).when
    assert got.sla_state == frozenset({SlaState.BREACHED})
    assert got.intents == frozenset({"cancellation"})
    assert got.keywords == ("procon",)


def test_repeat_contacts_alone_take_the_default_window() -> None:
    """repeat_contacts without a window counts over DEFAULT_WINDOW_DAYS; the bounds load."""
    assert _loaded(when(repeat_contacts=1)).when.repeat_window_days == DEFAULT_WINDOW_DAYS
    assert _loaded(when(repeat_contacts=1, repeat_window_days=1)).when.repeat_window_days == 1


def test_every_action_and_the_reason_load() -> None:
    """escalate_to, raise_priority, notify and the reason are read into the rule."""
    loaded = _loaded(
        book(
            rule(
                reason="cliente VIP",
                then={"escalate_to": "N2", "raise_priority": "medium", "notify": ["sla-alert"]},
            )
        )
    )
    assert loaded.then.escalate_to is SupportLevel.N2
    assert loaded.then.raise_priority is Priority.MEDIUM
    assert loaded.then.notify == ("sla-alert",)
    assert (loaded.name, loaded.reason, loaded.escalation_reason) == ("r", *["cliente VIP"] * 2)
    assert loaded.when.vip is True
