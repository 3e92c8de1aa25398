"""Acknowledgements first: the inline gate stands back while webhooks are pressing.

With `LIA_INBOUND__GATE=inline` the gate shares `lia serve`'s event loop, and its one
core, with the webhook requests. Taking plain turns, a burst's acknowledgements pay for the
gate's work as it happens: a provider's backlog is then stored at half the rate. Webhooks
are pressing when a group-commit round carried several requests (they arrived faster than
one round could be written); the gate then waits for the pressure to drop before each
batch, at most `max_wait`, and takes a small batch if it did not, so its turns stay short.
A burst is stored first and gated right after; a sustained overload slows the gate down
but never stops it. Under light load rounds carry one request and the gate never waits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import attrs

__all__ = ["AckFirst"]


@attrs.define
class AckFirst:
    """Before each gate batch: wait while the group commit says webhooks are pressing."""

    pressed_since: Callable[[float], bool]
    """Whether webhooks pressed at or after a monotonic moment (`GroupCommit.pressed_since`)."""
    max_wait: float
    """Longest the gate waits before one batch (seconds); then it takes a small one anyway."""
    recent: float = 0.02
    """A pressing round this recent (seconds) still counts: rounds follow each other closely."""
    poll: float = 0.005
    """How often a waiting gate looks again (seconds)."""
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic
    waited: float = 0.0
    """Seconds the gate has stood back so far (tests, metrics)."""

    async def stand_back(self) -> bool:
        """Wait while webhooks are pressing, up to `max_wait`; True if they still are."""
        start = now = self.monotonic()
        try:
            while self.pressed_since(now - self.recent):
                if now - start >= self.max_wait:
                    return True
                await self.sleep(self.poll)
                now = self.monotonic()
            return False
        finally:
            self.waited += now - start
