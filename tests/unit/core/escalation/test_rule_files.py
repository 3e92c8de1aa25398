"""Rule files: loaded from TOML or a dict, written back, and refused with the line at fault."""

from __future__ import annotations

import locale
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.escalation import KNOWN_POLICIES, RuleBook, RuleFileError, SupportLevel
from lia_core.testing.escalation import rule_books, rule_data

from .oracle import PROPERTIES

EXAMPLE = Path(__file__).resolve().parents[4] / "docs" / "examples" / "escalation-rules.toml"

GOOD = """\
version = 1
policies = ["legal-team"]

[[rule]]
name = "procon"
reason = "menção a órgão de defesa do consumidor"

[rule.when]
keywords = ["procon", "anatel"]

[rule.then]
escalate_to = "N3"
notify = ["ticket-escalation", "legal-team"]
"""


def test_the_shipped_example_file_loads() -> None:
    """docs/examples/escalation-rules.toml parses, and its rules come in file order."""
    book = RuleBook.from_file(EXAMPLE)
    assert [r.name for r in book.rules][:2] == ["regulator-complaint", "sla-breached"]
    assert "legal-team" in book.policies
    assert RuleBook.from_toml(book.to_toml()) == book


def test_a_small_file_loads_into_rules() -> None:
    """Every field of a rule is read: name, reason, conditions and actions."""
    book = RuleBook.from_toml(GOOD)
    (rule,) = book.rules
    assert rule.name == "procon"
    assert rule.escalation_reason == "menção a órgão de defesa do consumidor"
    assert rule.when.keywords == ("procon", "anatel")
    assert rule.then.escalate_to is SupportLevel.N3
    assert book.policies == KNOWN_POLICIES | {"legal-team"}


def test_an_empty_file_is_an_empty_book() -> None:
    """A file without rules loads as a book that never acts."""
    assert RuleBook.from_toml("") == RuleBook()


BAD = [
    ("colour = 1\n" + GOOD, 1, "unknown top-level field 'colour'"),
    ("version = 2\n", 1, "unsupported rule file version 2"),
    (GOOD.replace("[[rule]]", "[[rules]]"), 4, "unknown top-level field 'rules'"),
    ("version = 1\nrule.name = 3\n", 2, "rules are written as [[rule]] tables"),
    ('policies = ["Legal Team"]\n', 1, "is not a slug"),
    (
        GOOD.replace('reason = "', 'priorty = "high"\nreason = "'),
        6,
        "unknown field 'priorty' in rule \"procon\"",
    ),
    (GOOD.replace("keywords", "keywordz"), 9, "unknown condition 'keywordz' in rule \"procon\""),
    (GOOD.replace("escalate_to", "escalate"), 12, "unknown action 'escalate' in rule \"procon\""),
    (
        GOOD.replace('escalation", "legal-team"', 'escalation", "legal-tem"'),
        13,
        "unknown notification policy 'legal-tem'",
    ),
    (
        GOOD.replace('"N3"', '"N4"'),
        12,
        "escalate_to must be one of N1, N2, N3 (got 'N4') in rule \"procon\"",
    ),
    (GOOD.replace('"N3"', '"N1"'), 12, "nothing is below N1"),
    (
        GOOD.replace('keywords = ["procon", "anatel"]', "vip = 'yes'"),
        9,
        "vip must be true or false",
    ),
    (GOOD.replace('keywords = ["procon", "anatel"]', "repeat_contacts = 0"), 9, "at least 1"),
    (
        GOOD.replace('keywords = ["procon", "anatel"]', "repeat_window_days = 3"),
        9,
        "needs repeat_contacts",
    ),
    (GOOD.replace('["procon", "anatel"]', '["procon", "!!"]'), 9, "no letter or digit"),
    (GOOD.replace('keywords = ["procon", "anatel"]', ""), 8, "has no condition"),
    (GOOD.replace('["procon", "anatel"]', "[]"), 9, "keywords must not be an empty list"),
    ("version = 1.0\n", 1, "unsupported rule file version 1.0"),
    (GOOD.replace('name = "procon"\n', ""), 4, "needs a name"),
    (GOOD.replace('name = "procon"', 'name = "Procon"'), 5, "not a slug"),
    (GOOD.replace("[rule.then]", "[rule.thenn]"), 11, "unknown field 'thenn'"),
    (GOOD.replace("[rule.then]\n", "[rule.when2]\n"), 11, "unknown field 'when2'"),
    (GOOD + GOOD.split("\n", 2)[2], 16, 'rule name "procon" is used twice'),
    (GOOD.replace("anatel", "anatel\n"), 9, "invalid TOML"),
    (GOOD.replace('reason = "', 'reason = "\n'), 6, "invalid TOML"),
    (
        '[[rule]]\nname = "x"\nreason = """\nbogus = 1\n"""  # [[rule]]\nbogus = 2\n',
        6,
        "unknown field 'bogus' in rule \"x\"",
    ),
    (
        '[[rule]]\nname = "x"\nwhen = { vip = true, priorty = 1 }\nthen = { notify = "sla-alert" }\n',
        3,
        "unknown condition 'priorty' in rule \"x\"",
    ),
    (
        '[[rule]]\nname = "x"\nthen.notify = "sla-alert"\nwhen.vip = true\nwhen.keywords = [\n  "a = b",\n  3,\n]\n',
        5,
        "keywords must be a string or a list of strings",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD)
def test_a_bad_file_is_refused_with_its_line(text: str, line: int, message: str) -> None:
    """Each fault is a RuleFileError naming the source, the line at fault and the problem."""
    with pytest.raises(RuleFileError) as caught:
        RuleBook.from_toml(text, source="rules.toml")
    assert message in str(caught.value)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"rules.toml:{line}: ")
    assert isinstance(caught.value, ValidationError)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("version = 1\nx = \n", 2, "invalid TOML: Invalid value (column 5)"),
        # tomllib names no line at the end of the text: the last line is blamed.
        ("version = 1\n\nrule = [", 3, "invalid TOML: Invalid value (at end of document)"),
    ],
)
def test_invalid_toml_keeps_tomllib_s_problem_without_its_line(
    text: str, line: int, problem: str
) -> None:
    """The TOML syntax error's line moves to the front; the source defaults to "<string>"."""
    with pytest.raises(RuleFileError) as caught:
        RuleBook.from_toml(text)
    assert (caught.value.line, caught.value.problem) == (line, problem)
    assert str(caught.value) == f"<string>:{line}: {problem}"
    assert caught.value.source == "<string>"


def test_a_bad_file_on_disk_is_named_by_its_path(tmp_path: Path) -> None:
    """from_file names the file it read (UTF-8), not a placeholder, in the error."""
    text, line, message = BAD[0]
    path = tmp_path / "regras-é.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        RuleBook.from_file(path)
    assert caught.value.source == str(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert message in str(caught.value)


@pytest.fixture
def ascii_locale() -> Iterator[None]:
    """The C locale's encoding (ASCII) for text read without an explicit one, then restored."""
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, before)


@pytest.mark.usefixtures("ascii_locale")
def test_a_rule_file_is_read_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """from_file decodes UTF-8 ("menção") even where the locale's encoding is ASCII."""
    path = tmp_path / "rules.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert RuleBook.from_file(path) == RuleBook.from_toml(GOOD)


def test_a_bad_dict_names_the_field() -> None:
    """from_dict has no lines: the error names the field's path instead."""
    data = {"rule": [{"name": "a", "when": {"vip": True}, "then": {"raise_priority": "hgih"}}]}
    with pytest.raises(RuleFileError) as caught:
        RuleBook.from_dict(data)
    assert caught.value.line is None
    assert caught.value.field == "rule[0].then.raise_priority"
    assert str(caught.value).startswith("<dict>: raise_priority must be one of")


def test_a_book_refuses_undeclared_policies_and_duplicate_names() -> None:
    """Built in Python, a book checks what a file would: known policies and unique names."""
    rule = RuleBook.from_toml(GOOD).rules[0]
    with pytest.raises(ValidationError, match="legal-team"):
        RuleBook(rules=(rule,))
    with pytest.raises(ValidationError, match="unique"):
        RuleBook(rules=(rule, rule), declared_policies=frozenset({"legal-team"}))


@given(rule_books())
def test_a_book_round_trips_through_toml_and_dict(book: RuleBook) -> None:
    """to_toml and to_dict write what from_toml and from_dict read back to an equal book."""
    assert RuleBook.from_toml(book.to_toml()) == book
    assert RuleBook.from_dict(book.to_dict()) == book


def _key_lines(text: str) -> list[int]:
    """0-based indexes of the `key = value` lines inside [[rule]] tables."""
    lines = text.splitlines()
    first = lines.index("[[rule]]")
    return [i for i in range(first, len(lines)) if " = " in lines[i]]


@PROPERTIES
@given(rule_books(min_rules=1, max_rules=4), st.data())
def test_every_mutation_is_reported_at_its_line(book: RuleBook, data: st.DataObject) -> None:
    """An unknown key, a wrongly typed value or a syntax error is reported at the line changed."""
    lines = book.to_toml().splitlines()
    at = data.draw(st.sampled_from(_key_lines(book.to_toml())))
    kind = data.draw(st.sampled_from(["unknown", "type", "syntax"]))
    key = lines[at].split(" = ")[0]
    if kind == "unknown":
        lines.insert(at + 1, "bogus_key = 1")
        expected, fragment = at + 2, "'bogus_key'"
    elif kind == "type":
        lines[at] = f"{key} = 3.5"
        expected, fragment = at + 1, key
    else:
        lines.insert(at + 1, "this is not toml")
        expected, fragment = at + 2, "invalid TOML"
    with pytest.raises(RuleFileError) as caught:
        RuleBook.from_toml("\n".join(lines) + "\n", source="mutated.toml")
    assert caught.value.line == expected, str(caught.value)
    assert fragment in caught.value.problem


_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-2, 3)
    | st.floats(allow_nan=False)
    | st.text(max_size=4)
)
_VALUES = st.recursive(
    _LEAVES | st.sampled_from(["N2", "urgent", "breached", "sla-alert", "procon"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _load(load: Callable[[], RuleBook]) -> RuleBook | RuleFileError:
    """The loaded book, or the RuleFileError (any other exception propagates)."""
    try:
        return load()
    except RuleFileError as error:
        return error


def _replace_somewhere(data: object, value: object, choice: int) -> object:
    """A copy of *data* with one nested value (picked by *choice*) replaced by *value*."""
    if isinstance(data, dict) and data:
        keys = sorted(data)
        key = keys[choice % len(keys)]
        copy = dict(data)
        copy[key] = value if choice % 3 == 0 else _replace_somewhere(data[key], value, choice // 3)
        return copy
    if isinstance(data, list) and data:
        items = list(data)
        at = choice % len(items)
        items[at] = value if choice % 2 == 0 else _replace_somewhere(items[at], value, choice // 2)
        return items
    return value


@given(rule_data(min_rules=1), _VALUES, st.integers(0, 10_000))
def test_any_corrupted_data_is_loaded_or_refused_cleanly(
    data: dict[str, object], value: object, choice: int
) -> None:
    """Whatever value lands anywhere in the data, loading succeeds or raises RuleFileError."""
    corrupted = _replace_somewhere(data, value, choice)
    assert isinstance(corrupted, dict)
    outcome = _load(lambda: RuleBook.from_dict(corrupted))
    if isinstance(outcome, RuleFileError):
        assert outcome.line is None
        assert outcome.field is None or outcome.field.startswith(("version", "policies", "rule"))


@given(rule_books(min_rules=1), st.text(max_size=12), st.integers(0, 10_000))
def test_any_corrupted_text_is_loaded_or_refused_with_a_line(
    book: RuleBook, junk: str, choice: int
) -> None:
    """Text spliced anywhere into a rule file loads or fails with a line inside the file."""
    text = book.to_toml()
    at = choice % (len(text) + 1)
    spliced = text[:at] + junk + text[at:]
    outcome = _load(lambda: RuleBook.from_toml(spliced))
    if isinstance(outcome, RuleFileError):
        assert outcome.line is not None
        assert 1 <= outcome.line <= max(1, len(spliced.splitlines()) + 1)
