"""A loop's view of a database outage: one line when it starts, one when it ends, a growing wait."""

from __future__ import annotations

import time
from collections.abc import Callable

import attrs
import structlog

from lia_core.errors import PortUnavailable

__all__ = ["Outage"]

log = structlog.get_logger(__name__)


def _first_line(error: BaseException) -> str:
    lines = str(error).splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


@attrs.define
class Outage:
    """Tracks one dependency being down for a loop (the worker's rounds).

    A loop that failed because the database is unavailable asks `failed` how long to wait:
    the wait doubles from *initial* up to *ceiling* (or the error's ``retry_after``, if
    shorter), and only the first failure of an outage is logged, so a restart costs two
    log lines (`<name>.unavailable`, `<name>.restored`), not a traceback per round.
    """

    name: str
    initial: float = 0.25
    ceiling: float = 5.0
    monotonic: Callable[[], float] = time.monotonic
    down_since: float | None = None
    failures: int = 0

    def failed(self, error: PortUnavailable) -> float:
        """Record a failed round; return the seconds to wait before the next one."""
        if self.down_since is None:
            self.down_since = self.monotonic()
            self.failures = 0
        self.failures += 1
        ceiling = min(self.ceiling, error.retry_after or self.ceiling)
        wait = min(ceiling, self.initial * 2.0 ** (self.failures - 1))
        if self.failures == 1:
            cause = error.__cause__
            log.warning(
                f"{self.name}_unavailable",
                error=str(error),
                cause=_first_line(cause) if cause is not None else None,
                retry_in=wait,
            )
        return wait

    def succeeded(self) -> None:
        """Record a round that worked; log the outage's end if there was one."""
        if self.down_since is None:
            return
        down = self.monotonic() - self.down_since
        log.warning(
            f"{self.name}_restored", down_seconds=round(down, 2), failed_rounds=self.failures
        )
        self.down_since = None
        self.failures = 0
