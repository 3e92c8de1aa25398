"""Where the key scanner puts every key of valid TOML: inline values, strings, the last line."""

from __future__ import annotations

import tomllib

import pytest

from lia_core.escalation._locate import Path, locate_keys


def _located(text: str) -> dict[Path, int]:
    """The located keys of *text*, which must be TOML tomllib accepts (as the callers ensure)."""
    tomllib.loads(text)
    return locate_keys(text)


def test_the_first_key_of_an_inline_table_is_located() -> None:
    """A key right after '{' (no space) is located, and so is the next one."""
    assert _located("x = {a = 1, b = 2}\n") == {("x",): 1, ("x", "a"): 1, ("x", "b"): 1}


def test_a_string_value_hides_nothing_after_it_in_an_inline_table() -> None:
    """A string holding '#' or 'k = v' is one value: the key after it is found, none inside it."""
    text = 'x = {a = "#", b = "c = 1", d = 2}\n'
    assert _located(text) == {("x",): 1, ("x", "a"): 1, ("x", "b"): 1, ("x", "d"): 1}


def test_an_inline_table_after_a_nested_array_is_located() -> None:
    """After ``[1]`` inside an array, the next element's keys are still located."""
    lines = _located("x = [[1], {a = 1}]\n")
    assert lines == {("x",): 1, ("x", 0): 1, ("x", 1): 1, ("x", 1, "a"): 1}


def test_an_element_right_after_a_comma_is_counted() -> None:
    """An element written right after ',' (no space) gets the next index."""
    assert _located("x = [1,{b = 2}]\n") == {("x",): 1, ("x", 1): 1, ("x", 1, "b"): 1}


def test_a_text_without_a_final_newline_is_located() -> None:
    """An inline table on a last line with no newline is located with its keys."""
    lines = _located("[t]\nx = { b = 1 }")
    assert lines == {("t",): 1, ("t", "x"): 2, ("t", "x", "b"): 2}


def test_the_last_line_of_a_multi_line_array_is_not_read_as_a_header() -> None:
    """``[1]]`` closing a multi-line array is not a table header: the next key stays top-level."""
    lines = _located("x = [\n[1]]\ny = 2\n")
    assert lines == {("x",): 1, ("x", 0): 2, ("y",): 3}


@pytest.mark.parametrize("quote", ['"""', "'''"])
def test_key_lines_inside_a_multi_line_string_are_not_keys(quote: str) -> None:
    """Lines of a multi-line string that look like keys are skipped until it closes."""
    text = f"a = {quote}\nx\nk = 1\n{quote}\nb = 2\n"
    assert _located(text) == {("a",): 1, ("b",): 5}


def test_a_comment_quoting_triple_quotes_after_a_closing_one_does_not_reopen() -> None:
    """A multi-line string's closing line may end in a comment quoting triple quotes twice."""
    text = 'a = """\nx""" # between """ and """\nb = 1\n'
    assert _located(text) == {("a",): 1, ("b",): 3}


def test_a_one_line_string_then_a_comment_quoting_triple_quotes_twice_opens_nothing() -> None:
    """A triple-quoted string closed on its line, then two quoted triples in a comment, opens none."""
    text = 'a = """x""" # between """ and """\nb = 1\n'
    assert _located(text) == {("a",): 1, ("b",): 2}


@pytest.mark.parametrize("key", ['"a\\"b=}]\\"c"', '"a\\"b=} }\\"c"'])
def test_an_element_after_an_unreadable_key_keeps_its_index_and_line(key: str) -> None:
    """A quoted key the scanner misreads does not shift the next element's index or line."""
    text = f"[t]\nx = [{{ {key} = 1 }}, {{ d = 2 }},\n  {{ e = 3 }}]\ny = 4\n"
    lines = _located(text)
    assert lines[("t", "x", 1, "d")] == 2
    assert lines[("t", "x", 2, "e")] == 3
    assert lines[("t", "y")] == 4


def test_a_key_after_a_misread_key_and_a_multi_line_array_is_on_its_line() -> None:
    """A key after a misread quoted key's multi-line array value is located on its own line."""
    lines = _located('[t]\nx = { "a\\"b=X\\"c" = [\n1], c = 2 }\ny = 3\n')
    assert lines[("t", "x", "c")] == 3
    assert lines[("t", "y")] == 4
