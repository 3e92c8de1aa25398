"""Find the line of a key in TOML text (tomllib reports values, not positions).

A light scan, not a full parser, run once tomllib has accepted the text: it follows table
headers, array-of-tables counters and key lines, skips multi-line strings, and walks inline
values (arrays, inline tables, arrays of inline tables) token by token, so a key inside
``rule = [{...}, {...}]`` is located on its own line. Lines are counted on "\\n" only, as
TOML does (U+2028, NEL, form feed in a comment or string do not end a line).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

__all__ = ["Path", "line_of", "locate_keys"]

Path = tuple[str | int, ...]
"""A key path: table names and keys, with the index of an array-of-tables element."""

_HEADER = re.compile(r"\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
_PART = re.compile(r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'")
_STRING = re.compile(
    r'"""(?:[^\\]|\\.)*?"""(?!")|\'\'\'.*?\'\'\'(?!\')|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'', re.S
)
_BLANK = re.compile(r"(?:\s|#[^\n]*)*")
_SCALAR = re.compile(r"[^,\]}\n#]*")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip("\"'") for p in _PART.findall(dotted))


class _Inline:
    """Walks one inline value of *text* from *pos*, recording the line of every key in it."""

    def __init__(self, text: str, starts: list[int], lines: dict[Path, int]) -> None:
        self.text, self.starts, self.lines = text, starts, lines
        self.pos = 0

    def line(self) -> int:
        return bisect.bisect_right(self.starts, self.pos)

    def blank(self) -> None:
        self.pos = _BLANK.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def value(self, path: Path) -> None:
        self.blank()
        if self.pos >= len(self.text):
            return
        char = self.text[self.pos]
        if char in "[{":
            _record(self.lines, path, self.line())
            self.pos += 1
            self.array(path) if char == "[" else self.table(path)
            return
        string = _STRING.match(self.text, self.pos)
        end = string.end() if string else _SCALAR.match(self.text, self.pos).end()  # type: ignore[union-attr]
        self.pos = max(end, self.pos + 1) if char not in ",]}" else self.pos

    def step(self, read: Callable[[Path], None], path: Path) -> None:
        """Run *read*, moving on one character if it stopped on one it does not handle."""
        before = self.pos
        read(path)
        if self.pos == before:
            self.pos += 1

    def array(self, path: Path) -> None:
        index = 0
        while self.pos < len(self.text):
            self.blank()
            char = self.text[self.pos : self.pos + 1]
            if char in ("]", ""):
                self.pos += 1
                return
            if char == ",":
                index, self.pos = index + 1, self.pos + 1
                continue
            self.step(self.value, (*path, index))

    def table(self, path: Path) -> None:
        while self.pos < len(self.text):
            self.blank()
            char = self.text[self.pos : self.pos + 1]
            if char in ("}", ""):
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                continue
            key = _KEY.match(self.text, self.pos)
            if key is None:
                self.pos += 1
                continue
            inner = (*path, *_parts(key.group(1)))
            _record(self.lines, inner, self.line())
            self.pos = key.end()
            self.step(self.value, inner)


def locate_keys(text: str) -> dict[Path, int]:
    """Map each table and key path of *text* to its first 1-based line."""
    lines: dict[Path, int] = {}
    counters: dict[tuple[str, ...], int] = {}
    raw = text.split("\n")
    starts = [0]
    for line in raw[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    walker = _Inline(text, starts, lines)
    table: Path = ()
    in_string: str | None = None
    skip_to = 0
    for number, line in enumerate(raw, start=1):
        if number <= skip_to:
            continue
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
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
        path = table + _parts(key.group(1))
        _record(lines, path, number)
        rest = line[key.end() :]
        if rest.lstrip()[:1] in ("[", "{"):
            walker.pos = starts[number - 1] + key.end()
            walker.value(path)
            skip_to = bisect.bisect_right(starts, walker.pos - 1)
            continue
        for quote in ('"""', "'''"):
            if rest.count(quote) % 2 == 1:
                in_string = quote
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
    """The line of *path*, else of its nearest located ancestor."""
    for size in range(len(path), 0, -1):
        found = lines.get(path[:size])
        if found is not None:
            return found
    return None
