"""Find the line of a key in TOML text (tomllib reports values, not positions).

A light scan, not a parser: it follows table headers, array-of-tables counters and key
lines, skipping the insides of multi-line strings and arrays. Good enough for pointing at
the line at fault once tomllib has accepted the text.
"""

from __future__ import annotations

import re

__all__ = ["Path", "line_of", "locate_keys"]

Path = tuple[str | int, ...]
"""A key path: table names and keys, with the index of an array-of-tables element."""

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')
_HEADER = re.compile(r"\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
_PART = re.compile(r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip("\"'") for p in _PART.findall(dotted))


def _depth_change(line: str) -> int:
    code = _STRINGS.sub("", line).split("#", 1)[0]
    return code.count("[") + code.count("{") - code.count("]") - code.count("}")


def locate_keys(text: str) -> dict[Path, int]:
    """Map each table and key path of *text* to its first 1-based line."""
    lines: dict[Path, int] = {}
    counters: dict[tuple[str, ...], int] = {}
    table: Path = ()
    depth = 0
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        if depth > 0:
            depth = max(0, depth + _depth_change(line))
            continue
        header = _HEADER.match(line)
        if header is not None:
            names = _parts(header.group(2))
            if header.group(1) == "[[":
                counters[names] = counters.get(names, -1) + 1
            table = _with_indexes(names, counters)
            _record(lines, table, number)
            continue
        key = _KEY.match(line)
        if key is None:
            continue
        _record(lines, table + _parts(key.group(1)), number)
        rest = line[key.end() :]
        for quote in ('"""', "'''"):
            if rest.count(quote) % 2 == 1:
                in_string = quote
        if in_string is None:
            depth = max(0, _depth_change(rest))
    return lines


def _record(lines: dict[Path, int], path: Path, number: int) -> None:
    """Give *path* and each of its prefixes seen for the first time the line *number*."""
    for size in range(1, len(path) + 1):
        lines.setdefault(path[:size], number)


def _with_indexes(names: tuple[str, ...], counters: dict[tuple[str, ...], int]) -> Path:
    """Insert the current element index after every array-of-tables prefix of *names*."""
    path: list[str | int] = []
    for size in range(1, len(names) + 1):
        path.append(names[size - 1])
        index = counters.get(names[:size])
        if index is not None:
            path.append(index)
    return tuple(path)


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of *path*, else of its nearest located ancestor (an inline table's key)."""
    for size in range(len(path), 0, -1):
        found = lines.get(path[:size])
        if found is not None:
            return found
    return None
