"""Lines of keys inside multi-line inline arrays, where a rule file's error must point."""

from __future__ import annotations

from lia_core.escalation._locate import line_of, locate_keys

TEXT = """\
[book]
rules = [
{ name = "vip", level = 2 },
  { name = "procon" },
]
after = 1
"""


def test_each_inline_table_of_an_array_is_on_its_own_line() -> None:
    """An element starting a line (column 0 or indented) is located there, with its keys."""
    lines = locate_keys(TEXT)
    assert lines[("book", "rules")] == 2
    assert lines[("book", "rules", 0)] == 3
    assert lines[("book", "rules", 0, "level")] == 3
    assert lines[("book", "rules", 1)] == 4
    assert lines[("book", "rules", 1, "name")] == 4
    assert lines[("book", "after")] == 6
    assert line_of(lines, ("book", "rules", 1, "missing")) == 4


def test_a_key_the_scanner_cannot_read_is_stepped_over() -> None:
    """A quoted key holding an escaped quote is skipped, and the keys after it still located."""
    text = '[t]\nx = { "a\\"b" = 1, c = 2 }\ny = 3\n'
    lines = locate_keys(text)
    assert lines[("t", "x", "c")] == 2
    assert lines[("t", "y")] == 3


def test_a_key_after_a_multi_line_array_in_an_inline_table_is_on_its_line() -> None:
    """A key right after "]," (no space) in an inline table is located on that later line."""
    lines = locate_keys("[t]\nx = { k = [\n  1,\n],v = 2 }\n")
    assert lines[("t", "x", "k")] == 2
    assert lines[("t", "x", "v")] == 4


def test_an_unreadable_key_does_not_hide_the_lines_after_its_table() -> None:
    """Stepping over an unreadable key stops at the table's "}", so later lines are scanned."""
    lines = locate_keys('[t]\nx = {"a\\"b" = 1}\ny = 3\n[u]\nw = 1\n')
    assert lines[("t", "y")] == 3
    assert lines[("u", "w")] == 5
