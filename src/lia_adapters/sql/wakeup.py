"""A PostgreSQL LISTEN that only wakes someone up: the gate workers' "messages were stored".

The payload is ignored: a notification says "look now", the claim then finds what there
is. Missed notifications (the connection was down) cost only latency: the gate workers
also poll, and a reconnection wakes them once.
"""

from __future__ import annotations

import asyncio

from lia_adapters.sql.listener import PgListener

__all__ = ["PgWakeup"]


class PgWakeup(PgListener):
    """One dedicated connection that LISTENs on *channel* and sets *wake* on each notification."""

    event_prefix = "wakeup"

    def __init__(self, conninfo: str, channel: str, wake: asyncio.Event, **options: float) -> None:
        super().__init__(conninfo, channel, **options)  # backoff_initial, backoff_max, check_every
        self._wake = wake

    def connected(self) -> None:
        """Wake once: messages may have been stored while nobody listened."""
        self._wake.set()

    def received(self, payload: str) -> None:
        """Any notification means "look now"; the claim finds what there is."""
        self._wake.set()
