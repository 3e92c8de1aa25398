"""What must never be in a log line, as a test reads it: full phone numbers, bearer and JSON web
tokens, credentials in URLs, the secrets a test configured and the texts its customers wrote.

`LeakDetector.find(line)` returns the first `Leak` of a line (JSON lines are read value by
value, others as text) with the line redacted, so a failing test can print it. Masked phones
(``5521*******88``, ``5521*****4321``), ticket and protocol numbers, timestamps, UUIDs and
durations are no leak: phones are judged by `carries_phone`, whose rules they pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

import attrs

from lia_core.domain.phone_guard import carries_phone

__all__ = ["Leak", "LeakDetector"]

_NUMBER = re.compile(r"\+?\d+(?:[ ().-]{1,2}\d+)*")
"""Digit groups joined by what people type between them (phone_guard's notion of a number)."""
_ADDRESS = re.compile(r"(?:whatsapp:|tel:|sms:)\+?$|^@(?:s\.whatsapp\.net|c\.us|g\.us|lid)\b")
_HEX_IDS = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{16,}\b"
    r"|\b0x[0-9a-f]+\b",
    re.IGNORECASE,
)
"""UUIDs, hex ids (request ids, job ids, digests) and hex literals (the object addresses in a
library's debug repr, ``<… object at 0x7f6335932510>``): their digit runs are no phone."""
_JWT = re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*")
_BEARER = re.compile(r"\b(?:Bearer|Basic)\s+(?!\*)[\w.~+/=-]{8,}", re.IGNORECASE)
_CREDENTIAL_PARAM = re.compile(
    r"[?&;](?:access_token|token|api_?key|apikey|secret|password|passwd|signature|sig|key)"
    r"=(?!\*{3}|&|$|\s)[^&\s\"']+",
    re.IGNORECASE,
)
"""A credential in a URL's query string (``?access_token=…``), unless masked as ``***``."""
_URL_PASSWORD = re.compile(r"://[^/\s:@\"']+:(?!\*{3}@)[^/\s@\"']+@")
"""``scheme://user:password@host`` with the password in clear."""
_SHORTEST_SECRET = 6
"""Shorter values (``x``, ``abc``) are everywhere in a log line: no evidence of a leak."""


@attrs.frozen(kw_only=True)
class Leak:
    """One forbidden thing found in a log line."""

    kind: str
    """``phone``, ``jwt``, ``bearer``, ``url-credential``, ``secret`` or ``customer-text``."""
    line: str
    """The line with the offending text replaced by ``<kind>``: safe to print."""


@attrs.define
class LeakDetector:
    """Finds leaks in log lines; knows the secrets and customer texts of the run so far."""

    secrets: set[str] = attrs.field(factory=set)
    customer_texts: set[str] = attrs.field(factory=set)

    def add_secrets(self, values: Iterable[str]) -> None:
        """Remember configured secrets (tokens, passwords, keys); short ones are ignored."""
        self.secrets.update(v for v in values if len(v.strip()) >= _SHORTEST_SECRET)

    def add_customer_texts(self, texts: Iterable[str]) -> None:
        """Remember texts customers wrote or were sent; short ones ("oi", "2") are ignored."""
        self.customer_texts.update(t for t in texts if len(t.strip()) >= _SHORTEST_SECRET)

    def find(self, line: str) -> Leak | None:
        """The first leak in *line*, or None."""
        document = _json_of(line)
        for text in _line_texts(line) if document is None else _strings_of(document):
            kind, found = self._find_in(text)
            if kind is not None:
                redacted = (
                    line.replace(found, f"<{kind}>")
                    if document is None
                    else json.dumps(_redact(document, found, f"<{kind}>"), ensure_ascii=False)
                )
                return Leak(kind=kind, line=redacted)
        return None

    def _find_in(self, text: str) -> tuple[str | None, str]:
        for kind, pattern in (
            ("jwt", _JWT),
            ("bearer", _BEARER),
            ("url-credential", _CREDENTIAL_PARAM),
            ("url-credential", _URL_PASSWORD),
        ):
            match = pattern.search(text)
            if match is not None:
                return kind, match.group()
        for secret in self.secrets:
            if secret in text:
                return "secret", secret
        for customer_text in self.customer_texts:
            if customer_text in text:
                return "customer-text", customer_text
        phone = _phone_in(text)
        if phone is not None:
            return "phone", phone
        return None, ""


def _phone_in(text: str) -> str | None:
    plain = _HEX_IDS.sub(" ", text)
    for match in _NUMBER.finditer(plain):
        number = match.group()
        before, after = plain[max(0, match.start() - 9) : match.start()], plain[match.end() :]
        address = _ADDRESS.search(before) is not None or _ADDRESS.search(after) is not None
        if carries_phone(f"tel:{number}" if address else number):
            return number
    return None


def _json_of(line: str) -> object | None:
    # A JSON line is read value by value: its floats (durations) and the quotes and commas
    # between values are not text a person wrote, and must not join into a "number".
    stripped = line.strip()
    if not stripped.startswith("{"):
        return None
    try:
        document: object = json.loads(stripped)
    except ValueError:
        return None
    return document


def _line_texts(line: str) -> Iterator[str]:
    yield line


def _redact(value: object, found: str, mark: str) -> object:
    if isinstance(value, str):
        return value.replace(found, mark)
    if isinstance(value, int) and not isinstance(value, bool) and str(value) == found:
        return mark
    if isinstance(value, dict):
        return {_redact(k, found, mark): _redact(v, found, mark) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(item, found, mark) for item in value]
    return value


def _strings_of(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool | float) or value is None:
        return
    elif isinstance(value, int):
        yield str(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_of(item)
