"""The gate observer's log: a traceback for a bug, one plain line for an unavailable database."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any, cast

import structlog

from lia_core.domain.conversations import PendingInbound
from lia_core.errors import DatabaseUnavailable
from lia_entrypoints.inbound.metrics import InboundMetrics
from lia_entrypoints.inbound.observer import LoggingGateObserver

BATCH = cast(Sequence[PendingInbound], ["m1", "m2"])


def failed_with(error: Exception, observer: LoggingGateObserver) -> list[MutableMapping[str, Any]]:
    """What the observer logs when told of a failure inside the `except` for *error*."""
    with structlog.testing.capture_logs() as logs:
        try:
            raise error
        except Exception:
            observer.failed(BATCH, isolated=False)
    return logs


def test_an_unavailable_database_is_one_warning_without_traceback() -> None:
    """The outage is news once per batch, at warning level, with no exc_info."""
    logs = failed_with(
        DatabaseUnavailable("down", retry_after=5), LoggingGateObserver(InboundMetrics())
    )
    assert logs == [
        {
            "event": "inbound.gate_unavailable",
            "messages": 2,
            "error": "down",
            "log_level": "warning",
        }
    ]


def test_a_bug_keeps_its_traceback() -> None:
    """Anything else is logged with the exception for the traceback."""
    logs = failed_with(ValueError("bad"), LoggingGateObserver(InboundMetrics()))
    assert [(e["event"], e["log_level"], e.get("exc_info")) for e in logs] == [
        ("inbound.batch_failed", "error", True)
    ]
