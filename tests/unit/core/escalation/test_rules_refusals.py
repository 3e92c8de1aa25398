"""Rules, books and facts built in Python: each refusal's exact message and field, and bounds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lia_core.errors import ValidationError
from lia_core.escalation import (
    DEFAULT_WINDOW_DAYS,
    MAX_WINDOW_DAYS,
    Actions,
    Conditions,
    EscalationFacts,
    Priority,
    Rule,
    RuleBook,
    SlaState,
    SupportLevel,
)

from .tickets import NOW, open_ticket

WHEN = Conditions(vip=True)
THEN = Actions(notify=["sla-alert"])


def loose(value: object) -> Any:
    """*value* typed as Any, to pass what the signatures do not allow."""
    return value


def refusal(build: Callable[[], object]) -> tuple[str, str | None]:
    """The message and field of the ValidationError that *build* raises."""
    with pytest.raises(ValidationError) as caught:
        build()
    return str(caught.value), caught.value.field


def rule(name: object = "r", *, notify: tuple[str, ...] = ("sla-alert",)) -> Rule:
    """Rule *name* (vip) notifying *notify*."""
    return Rule(name=loose(name), when=WHEN, then=Actions(notify=notify))


REFUSED: list[tuple[str, Callable[[], object], str, str]] = [
    ("name an int", lambda: rule(3), "rule name 3 is not a slug", "name"),
    ("name upper case", lambda: rule("Procon"), "rule name 'Procon' is not a slug", "name"),
    ("name empty", lambda: rule(""), "rule name '' is not a slug", "name"),
    (
        "no condition",
        lambda: Rule(name="r", when=Conditions(), then=THEN),
        'rule "r" has no condition',
        "when",
    ),
    (
        "no action",
        lambda: Rule(name="r", when=WHEN, then=Actions()),
        'rule "r" has no action',
        "then",
    ),
    (
        "neither: the condition is named first",
        lambda: Rule(name="r", when=Conditions(), then=Actions()),
        'rule "r" has no condition',
        "when",
    ),
    (
        "reason blank",
        lambda: Rule(name="r", when=WHEN, then=THEN, reason=" \n"),
        "reason must not be blank",
        "reason",
    ),
    (
        "reason empty",
        lambda: Rule(name="r", when=WHEN, then=THEN, reason=""),
        "reason must not be blank",
        "reason",
    ),
    (
        "reason an int",
        lambda: Rule(name="r", when=WHEN, then=THEN, reason=loose(3)),
        "reason must be a string (got 3)",
        "reason",
    ),
    (
        "reason a lone surrogate",
        lambda: Rule(name="r", when=WHEN, then=THEN, reason="a\udc80"),
        "reason is not valid Unicode text",
        "reason",
    ),
    (
        "a window without repeat_contacts",
        lambda: Conditions(vip=True, repeat_window_days=DEFAULT_WINDOW_DAYS + 1),
        "repeat_window_days needs repeat_contacts",
        "repeat_window_days",
    ),
    (
        "repeat_contacts 0",
        lambda: Conditions(repeat_contacts=0),
        "repeat_contacts must be at least 1",
        "repeat_contacts",
    ),
    (
        "repeat_contacts negative",
        lambda: Conditions(repeat_contacts=-1),
        "repeat_contacts must be at least 1",
        "repeat_contacts",
    ),
    (
        "repeat_contacts a str",
        lambda: Conditions(repeat_contacts=loose("2")),
        "repeat_contacts must be a whole number",
        "repeat_contacts",
    ),
    (
        "repeat_contacts a float",
        lambda: Conditions(repeat_contacts=loose(2.0)),
        "repeat_contacts must be a whole number",
        "repeat_contacts",
    ),
    (
        "a window of 0 days",
        lambda: Conditions(repeat_contacts=1, repeat_window_days=0),
        "repeat_window_days must be at least 1",
        "repeat_window_days",
    ),
    (
        "a window one day too long",
        lambda: Conditions(repeat_contacts=1, repeat_window_days=MAX_WINDOW_DAYS + 1),
        f"repeat_window_days must be at most {MAX_WINDOW_DAYS}",
        "repeat_window_days",
    ),
    (
        "a window of true days",
        lambda: Conditions(repeat_contacts=1, repeat_window_days=True),
        "repeat_window_days must be a whole number",
        "repeat_window_days",
    ),
    (
        "a keyword without letters",
        lambda: Conditions(keywords=["procon", "--"]),
        "keyword '--' has no letter or digit to match",
        "keywords",
    ),
    (
        "a keyword that is no str",
        lambda: Conditions(keywords=loose(["procon", 3])),
        "keywords must be a string (got 3)",
        "keywords",
    ),
    (
        "keywords a bare str",
        lambda: Conditions(keywords=loose("procon")),
        "keywords must be a collection of values, not str",
        "keywords",
    ),
    (
        "an intent with a lone surrogate",
        lambda: Conditions(intents=["\ud800"]),
        "intents is not valid Unicode text",
        "intents",
    ),
    (
        "intents bytes",
        lambda: Conditions(intents=loose(b"cancel")),
        "intents must be a collection of values, not bytes",
        "intents",
    ),
    (
        "intents an int",
        lambda: Conditions(intents=loose(3)),
        "intents must be a collection of values, not int",
        "intents",
    ),
    (
        "sla_state a bare str",
        lambda: Conditions(sla_state=loose("breached")),
        "sla_state must be a collection of values, not str",
        "sla_state",
    ),
    (
        "sla_state unknown",
        lambda: Conditions(sla_state=loose(["ok", "late"])),
        "sla_state must be one of ok, warning, breached (got 'late')",
        "sla_state",
    ),
    (
        "severity_at_least unknown",
        lambda: Conditions(severity_at_least=loose("severe")),
        "severity_at_least must be one of low, medium, high, critical (got 'severe')",
        "severity_at_least",
    ),
    (
        "level_at_least unknown",
        lambda: Conditions(level_at_least=loose(2)),
        "level_at_least must be one of N1, N2, N3 (got 2)",
        "level_at_least",
    ),
    (
        "priority_at_least unknown",
        lambda: Conditions(priority_at_least=loose("top")),
        "priority_at_least must be one of low, medium, high, urgent (got 'top')",
        "priority_at_least",
    ),
    (
        "escalate_to N1",
        lambda: Actions(escalate_to=SupportLevel.N1),
        "escalate_to must be N2 or N3 (nothing is below N1)",
        "escalate_to",
    ),
    (
        "escalate_to unknown",
        lambda: Actions(escalate_to=loose("N4")),
        "escalate_to must be one of N1, N2, N3 (got 'N4')",
        "escalate_to",
    ),
    (
        "raise_priority low",
        lambda: Actions(raise_priority=Priority.LOW),
        "raise_priority to low never raises anything",
        "raise_priority",
    ),
    (
        "raise_priority unknown",
        lambda: Actions(raise_priority=loose("top")),
        "raise_priority must be one of low, medium, high, urgent (got 'top')",
        "raise_priority",
    ),
    (
        "a policy that is no slug",
        lambda: Actions(notify=["sla-alert", "Legal Team"]),
        "policy name 'Legal Team' is not a slug",
        "notify",
    ),
    (
        "a policy named twice",
        lambda: Actions(notify=["sla-alert", "legal", "sla-alert"]),
        "a policy is named twice",
        "notify",
    ),
    (
        "notify a bare str",
        lambda: Actions(notify=loose("sla-alert")),
        "notify must be a collection of values, not str",
        "notify",
    ),
    (
        "a policy that is no str",
        lambda: Actions(notify=loose([1])),
        "notify must be a string (got 1)",
        "notify",
    ),
    (
        "a declared policy that is no slug",
        lambda: RuleBook(declared_policies=frozenset({"legal", "Legal"})),
        "policy name 'Legal' is not a slug",
        "policies",
    ),
    (
        "two rules of one name",
        lambda: RuleBook(rules=(rule(), rule())),
        "rule names must be unique",
        "name",
    ),
    (
        "undeclared policies: the first in order is named",
        lambda: RuleBook(rules=(rule("b"), rule("a", notify=("zeta", "sla-alert", "alpha")))),
        "rule 'a' notifies undeclared policy 'alpha'",
        "notify",
    ),
    (
        "facts: contacts that are no datetimes",
        lambda: EscalationFacts(ticket=open_ticket(), now=NOW, contacts=loose([NOW, "x"])),
        "contacts must hold datetime values",
        "contacts",
    ),
    (
        "facts: contacts a bare str",
        lambda: EscalationFacts(ticket=open_ticket(), now=NOW, contacts=loose("x")),
        "contacts must be a collection of values, not str",
        "contacts",
    ),
    (
        "facts: notified holding no keys",
        lambda: EscalationFacts(ticket=open_ticket(), now=NOW, notified=loose([1])),
        "notified must hold NotificationKey values",
        "notified",
    ),
    (
        "facts: an unknown sla_state",
        lambda: EscalationFacts(ticket=open_ticket(), now=NOW, sla_state=loose("late")),
        "sla_state must be one of ok, warning, breached (got 'late')",
        "sla_state",
    ),
]


@pytest.mark.parametrize(
    ("build", "message", "field"),
    [pytest.param(build, message, field, id=name) for name, build, message, field in REFUSED],
)
def test_a_bad_value_is_refused_with_its_message_and_field(
    build: Callable[[], object], message: str, field: str
) -> None:
    """Each bad value is one ValidationError with this exact message and field."""
    assert refusal(build) == (message, field)


def test_repeat_counts_load_at_their_bounds() -> None:
    """repeat_contacts from 1 (no upper bound) and a window from 1 to MAX_WINDOW_DAYS load."""
    assert Conditions(repeat_contacts=1).repeat_contacts == 1
    assert Conditions(repeat_contacts=10**9).repeat_contacts == 10**9
    assert Conditions(repeat_contacts=2, repeat_window_days=1).repeat_window_days == 1
    longest = Conditions(repeat_contacts=2, repeat_window_days=MAX_WINDOW_DAYS)
    assert longest.repeat_window_days == MAX_WINDOW_DAYS
    assert Conditions(repeat_contacts=2, repeat_window_days=8).repeat_window_days == 8


def test_conditions_default_to_unset() -> None:
    """Conditions() sets nothing, the window is the default 7, and that default may stand alone."""
    empty = Conditions()
    assert empty.is_empty
    assert (empty.repeat_contacts, empty.repeat_window_days) == (None, DEFAULT_WINDOW_DAYS)
    assert (empty.sla_state, empty.intents, empty.keywords) == (frozenset(), frozenset(), ())
    assert (empty.priority_at_least, empty.severity_at_least, empty.level_at_least) == (None,) * 3
    assert (empty.vip, empty.nps_detractor, empty.linked_active_outage) == (None,) * 3
    alone = Conditions(vip=True, repeat_window_days=DEFAULT_WINDOW_DAYS)
    assert alone.repeat_window_days == DEFAULT_WINDOW_DAYS


def test_actions_default_to_nothing_and_accept_their_lowest_values() -> None:
    """Actions() does nothing; N2, medium and distinct slugs are the least accepted values."""
    assert Actions().is_empty
    assert (Actions().escalate_to, Actions().raise_priority, Actions().notify) == (None, None, ())
    lowest = Actions(escalate_to="N2", raise_priority="medium", notify=("a-1", "b"))
    assert lowest.escalate_to is SupportLevel.N2
    assert lowest.raise_priority is Priority.MEDIUM
    assert lowest.notify == ("a-1", "b")


def test_a_rule_keeps_its_reason_or_names_itself() -> None:
    """A rule's reason is kept as given; without one it escalates with rule "<name>"."""
    assert rule("a-1").escalation_reason == 'rule "a-1"'
    given = Rule(name="r", when=WHEN, then=THEN, reason=" procon ")
    assert (given.reason, given.escalation_reason) == (" procon ", " procon ")


def test_a_book_accepts_declared_policies_and_distinct_names() -> None:
    """A book's rules may notify its declared policies; distinct names load in order."""
    rules = (rule("b", notify=("audit", "sla-alert")), rule("a"))
    loaded = RuleBook(rules=rules, declared_policies=frozenset({"audit"}))
    assert [r.name for r in loaded.rules] == ["b", "a"]
    assert loaded.policies == frozenset({"audit", "sla-alert", "ticket-escalation"}) | {
        "ticket-priority-high"
    }


def test_sla_states_convert_members_and_values() -> None:
    """sla_state takes members or their values, in a list, set or tuple, as a frozenset."""
    assert Conditions(sla_state=loose([SlaState.OK, "breached"])).sla_state == frozenset(
        {SlaState.OK, SlaState.BREACHED}
    )
    assert Conditions(sla_state=loose(("warning",))).sla_state == frozenset({SlaState.WARNING})
    facts = EscalationFacts(ticket=open_ticket(), now=NOW, sla_state=loose("warning"))
    assert facts.sla_state is SlaState.WARNING
