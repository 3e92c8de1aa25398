"""The leak scanner of the end-to-end suites (tests/integration, tests/browser): every log line a
test causes is read at its teardown, and a phone number, token, secret or customer text in one
fails the test with the line (redacted) and who wrote it.

Lines come from three places: this process's logging (a tap on `configure_logging`, so what
an operator's log would hold, after its scrubbing), the stderr of the `lia` commands a test
runs (`record_output`), and the log files of the `lia serve` and `lia worker` processes it
starts (`watch_file`). Secrets and customer texts are harvested from the tests' own source
(string constants bound to names like ``*_TOKEN``, ``password=``, ``text=``), so a new test's
values are known without registering them.
"""

from __future__ import annotations

import ast
import itertools
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs
import structlog

from lia_core.testing.log_leaks import LeakDetector
from lia_entrypoints import logging as lia_logging

__all__ = [
    "SCANNED",
    "Scan",
    "assert_no_leaks",
    "detector",
    "record_output",
    "watch_file",
]

SCANNED = ("integration", "browser")
"""The test directories (under tests/) whose log lines are scanned."""

_TESTS = Path(__file__).parent
_SECRET_NAME = re.compile(r"secret|token|passw|api_?key|auth_token|signing|jwt", re.IGNORECASE)
_TEXT_NAME = re.compile(r"^(?:text|body|conversation)$")
_LOCATOR = re.compile(r"^(?:get_by_\w+|locator|filter|to_have_text|to_contain_text|wait_for_\w+)$")


@attrs.define
class Scan:
    """One test's log lines: ``(source, line)`` pairs, and files read at the end."""

    lines: list[tuple[str, str]] = attrs.field(factory=list)
    files: list[tuple[str, Path]] = attrs.field(factory=list)

    def all_lines(self) -> Iterator[tuple[str, str]]:
        """Every line collected, files included."""
        yield from self.lines
        for source, path in self.files:
            if path.exists():
                for line in path.read_text(errors="replace").splitlines():
                    yield source, line


class LineTap(logging.Handler):
    """A logging handler that keeps each formatted line with its logger's name."""

    def __init__(self, scan: Scan) -> None:
        super().__init__()
        self.scan = scan

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the line (formatted by `configure_logging`'s JSON formatter)."""
        try:
            self.scan.lines.append((record.name, self.format(record)))
        except Exception:  # a logging handler never raises into the code that logs
            self.handleError(record)


_current: Scan | None = None
_detector: LeakDetector | None = None


def detector() -> LeakDetector:
    """The session's detector, its secrets and customer texts read from the tests' source."""
    global _detector
    if _detector is None:
        _detector = LeakDetector()
        secrets, texts = harvest(sorted(p for d in SCANNED for p in (_TESTS / d).rglob("*.py")))
        _detector.add_secrets(secrets)
        _detector.add_customer_texts(texts)
    return _detector


def record_output(text: str, *, source: str) -> None:
    """Scan *text* (a subprocess's log output) with the current test's lines, or at once."""
    lines = [(source, line) for line in text.splitlines() if line.strip()]
    if _current is not None:
        _current.lines.extend(lines)
    else:
        _fail_on(lines)


def watch_file(path: Path, *, source: str) -> None:
    """Scan the log file at *path* when the current test ends (its writer may still run)."""
    if _current is not None:
        _current.files.append((source, path))


def assert_no_leaks(path: Path, *, source: str) -> None:
    """Fail now if the log file at *path* holds a leak (a server outliving one test)."""
    if path.exists():
        record_output(path.read_text(errors="replace"), source=source)


def leaks(lines: Iterable[tuple[str, str]]) -> list[str]:
    """One ``source: kind: redacted line`` per leaking line."""
    found = []
    scanner = detector()
    for source, line in lines:
        leak = scanner.find(line)
        if leak is not None:
            found.append(f"{source}: {leak.kind}: {leak.line[:600]}")
    return found


def _fail_on(lines: Iterable[tuple[str, str]]) -> None:
    found = leaks(lines)
    if found:
        shown = "\n".join(found[:20])
        raise AssertionError(f"{len(found)} log line(s) hold personal data or secrets:\n{shown}")


def begin() -> tuple[Scan, LineTap]:
    """Start collecting a test's lines: logging configured as the entrypoints do, plus the tap."""
    global _current
    _current = Scan()
    tap = LineTap(_current)
    lia_logging.TAPS.append(tap)
    lia_logging.configure_logging(level="DEBUG", fmt="json")
    return _current, tap


def end(scan: Scan, tap: LineTap) -> None:
    """Stop collecting, put logging back to its defaults, and fail on any leak."""
    global _current
    _current = None
    lia_logging.TAPS.remove(tap)
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, LineTap)]
    structlog.reset_defaults()
    _fail_on(scan.all_lines())


def harvest(paths: Iterable[Path]) -> tuple[set[str], set[str]]:
    """(secrets, customer texts): string constants the tests bind to secret-like names, and
    the texts they give customers (``text=``, ``"conversation": …``, ``walk.say(who, …)``)."""
    secrets: set[str] = set()
    texts: set[str] = set()
    for path in paths:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            for name, value in _bindings(node):
                if _SECRET_NAME.search(name):
                    secrets.add(value)
                elif _TEXT_NAME.match(name) and " " in value:
                    texts.add(value)
            if isinstance(node, ast.Call):
                secrets.update(_flag_values(node, "--password"))
                callee = _callee(node)
                if callee == "Account" and len(node.args) >= 2 and _is_text(node.args[1]):
                    secrets.add(_text(node.args[1]))  # tests/browser's (username, password, role)
                said = node.args[1] if len(node.args) >= 2 else None
                if callee in ("say", "customer_writes") and _is_text(said):
                    texts.add(_text(said))
    # URLs (a token endpoint), templates and documents are code, not values of a run.
    return {s for s in secrets if "://" not in s}, {
        t for t in texts if "{{" not in t and "\n" not in t and "<" not in t
    }


def _bindings(node: ast.AST) -> Iterator[tuple[str, str]]:
    if isinstance(node, ast.Assign | ast.AnnAssign) and _is_text(node.value):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                yield target.id, _text(node.value)
            elif isinstance(target, ast.Subscript) and _is_text(target.slice):
                yield _text(target.slice), _text(node.value)  # env["LIA_JWT_SECRET"] = …
    elif isinstance(node, ast.Call) and not _LOCATOR.match(_callee(node)):
        # Playwright's locators take `text=` too: words of the page, not what customers wrote.
        for keyword in node.keywords:
            if keyword.arg is not None and _is_text(keyword.value):
                yield keyword.arg, _text(keyword.value)
    elif isinstance(node, ast.arguments):
        positional = [*node.posonlyargs, *node.args]
        defaults = zip(
            positional[len(positional) - len(node.defaults) :], node.defaults, strict=True
        )
        for arg, default in [*defaults, *zip(node.kwonlyargs, node.kw_defaults, strict=True)]:
            if _is_text(default):
                yield arg.arg, _text(default)
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if _is_text(key) and _is_text(value):
                yield _text(key), _text(value)


def _is_text(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _text(node: ast.AST | None) -> str:
    assert isinstance(node, ast.Constant)
    assert isinstance(node.value, str)
    return node.value


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _flag_values(call: ast.Call, flag: str) -> Iterator[str]:
    for before, after in itertools.pairwise(call.args):
        if _is_text(before) and _text(before) == flag and _is_text(after):
            yield _text(after)
