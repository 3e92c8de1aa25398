"""One dedicated PostgreSQL connection that LISTENs on a channel, reconnecting with backoff.

The shared part of the realtime listener (events for the process's bus) and the gate
workers' wake-up (payload ignored): connect, LISTEN, hand each notification to the
subclass, check a silent connection with ``SELECT 1``, and on a lost connection log one
line and try again after a doubling delay (reset once a connection worked).
"""

from __future__ import annotations

import asyncio
import contextlib

import psycopg
import structlog
from psycopg import sql

from lia_adapters.notify_channels import check_channel

__all__ = ["PgListener"]

log = structlog.get_logger(__name__)


class PgListener:
    """LISTEN on *channel* in the background; subclasses say what a notification does."""

    event_prefix = "listener"
    """The log events' prefix: ``<prefix>.listen_lost``."""

    def __init__(
        self,
        conninfo: str,
        channel: str,
        *,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        check_every: float = 30.0,
    ) -> None:
        self._conninfo = conninfo
        self._channel = check_channel(channel)
        self._initial = backoff_initial
        self._max = backoff_max
        self._check_every = check_every
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self.connections = 0
        """How many times a LISTEN connection was opened (1 + reconnections)."""

    @property
    def listening(self) -> bool:
        """Whether the LISTEN connection is up now."""
        return self._ready.is_set()

    def start(self) -> None:
        """Start listening in the background (inside the running event loop)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"lia-listen-{self._channel}")

    async def wait_listening(self) -> None:
        """Wait until the LISTEN is in place (wrap in `asyncio.timeout` to bound it)."""
        await self._ready.wait()

    async def close(self) -> None:
        """Stop listening and close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._ready.clear()

    def connected(self) -> None:
        """The LISTEN is in place (again: `connections` > 1 after a reconnection)."""

    def received(self, payload: str) -> None:
        """One notification's payload arrived."""

    async def _run(self) -> None:
        delay = self._initial
        while True:
            try:
                await self._listen()
            except (psycopg.Error, OSError) as exc:
                if self._ready.is_set():  # it had worked: start the backoff again
                    delay = self._initial
                self._ready.clear()
                log.warning(
                    f"{self.event_prefix}.listen_lost",
                    channel=self._channel,
                    error=str(exc),
                    retry_in=delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max)

    async def _listen(self) -> None:
        async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
            self.connections += 1
            self._ready.set()
            self.connected()
            while True:
                async for note in conn.notifies(timeout=self._check_every):
                    self.received(note.payload)
                await conn.execute("SELECT 1")  # a silent, dead connection fails here
