"""Structured logging: one line per event, JSON off a terminal, phone numbers masked, secrets dropped."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

__all__ = ["CACHE_LOGGERS", "TAPS", "configure_logging", "mask_phones"]

CACHE_LOGGERS = True
"""Whether loggers freeze their configuration on first use (faster). The test suite turns it
off: a logger frozen under one `configure_logging` would not see a later one, nor
`structlog.testing.capture_logs` (in-process `lia` commands configure logging again)."""

TAPS: list[logging.Handler] = []
"""Handlers that also receive every line, rendered as JSON after the same scrubbing: the test
suite's leak scanner (tests/log_scan.py) reads what an operator's log would hold."""

# Brazilian numbers are 10-13 digits with optional +, spaces, dashes and parentheses. A run
# may hold more digits when a phone sits beside another number ("job 12 5521999998888" or
# two phones in a row): it is masked whole, or the digits kept would complete a phone.
_PHONE = re.compile(r"(?<![\w])(\+?\d[\d\s().-]{8,60}\d)(?![\w])")
_DB_DETAIL = re.compile(r"^DETAIL: .*$", re.MULTILINE)
"""PostgreSQL's detail line quotes the key or row a constraint refused (phones, texts)."""
_SECRET_KEYS = ("password", "secret", "token", "authorization", "api_key", "apikey")


def _mask_match(match: re.Match[str]) -> str:
    raw = match.group(1)
    digits = [c for c in raw if c.isdigit()]
    if len(digits) < 10:
        return raw
    return "".join(digits[:4]) + "*" * (len(digits) - 6) + "".join(digits[-2:])


_IDS = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE
)
"""UUIDs (job, request and ticket ids): a group of digits in one is no phone, and masking it
would leave an operator with an id that matches nothing."""


def mask_phones(text: str) -> str:
    """Replace every phone-number-like run of 10 or more digits by ``5521*******88``, UUIDs aside."""
    if "-" not in text or not _IDS.search(text):
        return _PHONE.sub(_mask_match, text)
    parts: list[str] = []
    last = 0
    for found in _IDS.finditer(text):
        parts.append(_PHONE.sub(_mask_match, text[last : found.start()]))
        parts.append(found.group(0))
        last = found.end()
    parts.append(_PHONE.sub(_mask_match, text[last:]))
    return "".join(parts)


def _scrub(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        value = event[key]
        if any(marker in key.lower() for marker in _SECRET_KEYS):
            event[key] = "***"
        elif isinstance(value, str):
            event[key] = mask_phones(_DB_DETAIL.sub("DETAIL: (hidden)", value))
    return event


def configure_logging(*, level: str = "INFO", fmt: str = "auto") -> None:
    """Route stdlib and structlog logging to stderr as one structured line per event."""
    as_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if as_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        _scrub,
    ]
    structlog.configure(
        # Below the level, an event is dropped before any processor runs (per-send DEBUG lines).
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=CACHE_LOGGERS,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=shared,
        )
    )
    for tap in TAPS:
        tap.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                processors=[
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.JSONRenderer(),
                ],
                foreign_pre_chain=shared,
            )
        )
    root = logging.getLogger()
    root.handlers[:] = [handler, *TAPS]
    root.setLevel(level)
    for noisy in (
        "sqlalchemy.engine",
        "aiosqlite",
        "alembic.runtime.migration",
        "alembic.runtime.plugins",
    ):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
