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

from collections.abc import Callable, Sequence

import structlog
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.memory.realtime import InProcessEventBus
from lia_adapters.notify_channels import DEFAULT_CHANNEL, check_channel
from lia_adapters.sql.listener import PgListener
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

# One statement per transaction, whatever the number of events; a function scan yields the
# array in order, so the notifications are queued (and delivered) in publishing order.
_NOTIFY = text(
    "SELECT count(pg_notify(:channel, payload)) FROM unnest(CAST(:payloads AS text[])) AS payload"
)


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


class PgEventListener(PgListener):
    """One dedicated connection that LISTENs and feeds the process's bus; reconnects with backoff.

    Events committed while the connection is down are not replayed (NOTIFY keeps nothing):
    `on_restored` runs after each reconnection so screens can be told to reload.
    """

    event_prefix = "realtime"

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
        super().__init__(
            conninfo,
            channel,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            check_every=check_every,
        )
        self._bus = bus
        self.on_restored = on_restored
        """Called after each reconnection (events committed meanwhile were missed)."""

    def connected(self) -> None:
        """After a reconnection, tell the screens: what was committed meanwhile was missed."""
        if self.connections > 1:
            log.info("realtime.listen_restored", channel=self._channel)
            if self.on_restored is not None:
                self.on_restored()

    def received(self, payload: str) -> None:
        """Decode the notification's events and deliver them to this process's bus."""
        self._receive(payload)

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
