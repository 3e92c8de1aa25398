"""A PostgreSQL LISTEN that only wakes someone up: the gate workers' "messages were stored".

The payload is ignored: a notification says "look now", the claim then finds what there
is. Missed notifications (the connection was down) cost only latency: the gate workers
also poll, and a reconnection wakes them once.
"""

from __future__ import annotations

import asyncio
import contextlib

import psycopg
import structlog
from psycopg import sql

from lia_adapters.sql.realtime import check_channel

__all__ = ["PgWakeup"]

log = structlog.get_logger(__name__)


class PgWakeup:
    """One dedicated connection that LISTENs on *channel* and sets *wake* on each notification."""

    def __init__(
        self,
        conninfo: str,
        channel: str,
        wake: asyncio.Event,
        *,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        check_every: float = 30.0,
    ) -> None:
        self._conninfo = conninfo
        self._channel = check_channel(channel)
        self._wake = wake
        self._initial = backoff_initial
        self._max = backoff_max
        self._check_every = check_every
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

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

    async def _run(self) -> None:
        delay = self._initial
        while True:
            try:
                await self._listen()
            except (psycopg.Error, OSError) as exc:
                if self._ready.is_set():
                    delay = self._initial
                self._ready.clear()
                log.warning("wakeup.listen_lost", channel=self._channel, error=str(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max)

    async def _listen(self) -> None:
        async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
            self._ready.set()
            self._wake.set()  # what was stored while nobody listened
            while True:
                async for _note in conn.notifies(timeout=self._check_every):
                    self._wake.set()
                await conn.execute("SELECT 1")  # a silent, dead connection fails here
