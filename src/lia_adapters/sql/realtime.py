"""Realtime events over PostgreSQL: NOTIFY in the publishing transaction, one LISTEN per process.

PostgreSQL queues a NOTIFY with its transaction and delivers it on commit (never on
rollback), to every session that LISTENs on the channel, in commit order: that is how the
worker's and every replica's events reach every `lia serve`. SQLite has no such thing: its
units of work hand their events to the process's bus after the commit instead.

A notification carries several events, one JSON object a line, up to `MAX_WIRE_BYTES`: an
SLA monitor tick that publishes a thousand alerts queues a few dozen notifications, not a
thousand (each one costs the server a queue entry and a duplicate check at commit). JSON
never holds a raw newline, so the lines split back exactly; a one-event notification is the
event alone, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Sequence

import psycopg
import structlog
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.memory.realtime import InProcessEventBus
from lia_core.domain.realtime import MAX_WIRE_BYTES, PublishedEvent, from_wire, wire_of
from lia_core.errors import ValidationError

__all__ = [
    "DEFAULT_CHANNEL",
    "PgEventListener",
    "check_channel",
    "libpq_conninfo",
    "notify",
    "pack",
]

log = structlog.get_logger(__name__)

DEFAULT_CHANNEL = "lia_realtime"
"""The NOTIFY channel LIA's processes share (one per database; a setting can change it)."""

_CHANNEL = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# One statement per transaction, whatever the number of events; a function scan yields the
# array in order, so the notifications are queued (and delivered) in publishing order.
_NOTIFY = text(
    "SELECT count(pg_notify(:channel, payload)) FROM unnest(CAST(:payloads AS text[])) AS payload"
)


def check_channel(channel: str) -> str:
    """*channel* if it is a plain lower-case PostgreSQL identifier; ValueError otherwise."""
    if not _CHANNEL.match(channel):
        raise ValueError(
            f"realtime channel {channel!r} must be 1 to 63 of a-z, 0-9 and _, not starting with a digit"
        )
    return channel


def libpq_conninfo(url: str) -> str:
    """The libpq form of a ``postgresql+psycopg://`` URL (psycopg's own connections want it)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def pack(wires: Sequence[str]) -> list[str]:
    """*wires* (`to_wire` forms) joined a line each into payloads of at most `MAX_WIRE_BYTES`
    bytes, in order; ValueError for a single event over the limit."""
    payloads: list[str] = []
    lines: list[str] = []
    size = 0
    for wire in wires:
        length = len(wire.encode())
        if length > MAX_WIRE_BYTES:  # cannot happen with bounded fields
            raise ValueError(f"a realtime event of {length} bytes exceeds NOTIFY's limit")
        if lines and size + 1 + length > MAX_WIRE_BYTES:
            payloads.append("\n".join(lines))
            lines, size = [], 0
        size += length + (1 if lines else 0)
        lines.append(wire)
    if lines:
        payloads.append("\n".join(lines))
    return payloads


async def notify(conn: AsyncConnection, channel: str, events: Sequence[PublishedEvent]) -> None:
    """Queue *events* on *channel* in *conn*'s transaction, packed (`pack`): delivered when
    it commits."""
    payloads = pack([wire_of(event) for event in events])
    await conn.execute(_NOTIFY, {"channel": channel, "payloads": payloads})


class PgEventListener:
    """One dedicated connection that LISTENs and feeds the process's bus; reconnects with backoff.

    Events committed while the connection is down are not replayed (NOTIFY keeps nothing):
    `on_restored` runs after each reconnection so screens can be told to reload.
    """

    def __init__(
        self,
        conninfo: str,
        bus: InProcessEventBus,
        *,
        channel: str = DEFAULT_CHANNEL,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        check_every: float = 30.0,
        on_restored: Callable[[], None] | None = None,
    ) -> None:
        self._conninfo = conninfo
        self._bus = bus
        self._channel = check_channel(channel)
        self._initial = backoff_initial
        self._max = backoff_max
        self._check_every = check_every
        self.on_restored = on_restored
        """Called after each reconnection (events committed meanwhile were missed)."""
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
            self._task = asyncio.create_task(self._run(), name="lia-realtime-listen")

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
                if self._ready.is_set():  # it had worked: start the backoff again
                    delay = self._initial
                self._ready.clear()
                log.warning(
                    "realtime.listen_lost", channel=self._channel, error=str(exc), retry_in=delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max)

    async def _listen(self) -> None:
        async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
            self.connections += 1
            self._ready.set()
            if self.connections > 1:
                log.info("realtime.listen_restored", channel=self._channel)
                if self.on_restored is not None:
                    self.on_restored()
            while True:
                async for note in conn.notifies(timeout=self._check_every):
                    self._receive(note.payload)
                await conn.execute("SELECT 1")  # a silent, dead connection fails here

    def _receive(self, payload: str) -> None:
        if not self._bus.listeners:
            return  # nobody in this process listens: not worth decoding
        events = []
        for line in payload.split("\n"):
            try:
                events.append(from_wire(line))
            except ValidationError as exc:  # someone else's NOTIFY on our channel
                log.warning("realtime.bad_payload", channel=self._channel, error=str(exc))
        self._bus.deliver(events)
