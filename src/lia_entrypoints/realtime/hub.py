"""The hub of one `lia serve`: hears the process's feed once, hands each WebSocket what its
viewer may see (`may_see`), and counts who is listening (`lia_realtime_subscribers`).

Each client has a bounded backlog of ready-to-send items (encoded once per event, whoever
hears it); a client too slow to empty it is told to go (close 1013) rather than making the
hub hold an unbounded backlog for it.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime

import attrs
import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge

from lia_core.domain.realtime import RealtimeEvent, may_see
from lia_core.domain.users import User
from lia_core.ports import EventFeed

__all__ = ["Frames", "RealtimeHub", "Subscriber"]

log = structlog.get_logger(__name__)

TOO_SLOW = 1013
"""WebSocket close code for a client that fell `client_backlog` frames behind ("try again later")."""
GOING_AWAY = 1001
"""WebSocket close code when the server shuts down."""


class Frames:
    """The JSON text frames the WebSocket sends (docs/realtime.md)."""

    @staticmethod
    def event(event: RealtimeEvent) -> str:
        """One event as an item of an `events` frame: ``{"event": "<kind>", "data": {...}}``."""
        data = event.to_dict()
        kind = data.pop("kind")
        return json.dumps({"event": kind, "data": data}, ensure_ascii=False)

    @staticmethod
    def events(items: Sequence[str]) -> str:
        """Events queued together, in order: ``{"type": "events", "events": [...]}``."""
        return '{"type":"events","events":[' + ",".join(items) + "]}"

    @staticmethod
    def heartbeat(now: datetime) -> str:
        """Nothing happened lately: ``{"type": "heartbeat", "at": "..."}``."""
        return json.dumps({"type": "heartbeat", "at": now.isoformat()})

    @staticmethod
    def resync() -> str:
        """Events may have been missed (the LISTEN connection was lost): reload what you show."""
        return json.dumps({"type": "resync"})


@attrs.define(eq=False)
class Subscriber:
    """One open WebSocket: who watches, and what waits to be sent to it.

    `pending` holds event items (`Frames.event`) and whole control frames, in order; the
    socket's sender takes everything at once and sends consecutive events as one `events`
    frame, so a burst (a batch's commit) costs one send per socket, not one per event. It
    belongs to the event loop serving the socket; the hub reaches it through `call`.
    """

    viewer: User
    loop: asyncio.AbstractEventLoop
    backlog: int
    pending: deque[tuple[bool, str]] = attrs.field(factory=deque)
    """(is an event item, text)."""
    closing: int | None = None
    """Set when the hub wants the socket closed, with the close code."""
    ready: asyncio.Event = attrs.field(factory=asyncio.Event)
    """Set when something was queued or the socket should close."""

    def call(self, fn: Callable[..., None], *args: object) -> None:
        """Run *fn* in the socket's loop (at once when already in it)."""
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            fn(*args)
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(fn, *args)

    def offer(self, text: str, *, event: bool = True) -> None:
        """Queue an event item (or a control frame); past `backlog`, ask to close (too slow)."""
        if self.closing is not None:
            return
        if len(self.pending) >= self.backlog:
            self.close(TOO_SLOW)
            return
        self.pending.append((event, text))
        self.ready.set()

    def take(self) -> list[str]:
        """The frames to send now, in order: runs of events joined into `events` frames."""
        frames: list[str] = []
        run: list[str] = []
        while self.pending:
            is_event, text = self.pending.popleft()
            if is_event:
                run.append(text)
                continue
            if run:
                frames.append(Frames.events(run))
                run = []
            frames.append(text)
        if run:
            frames.append(Frames.events(run))
        self.ready.clear()
        return frames

    def close(self, code: int) -> None:
        """Ask the socket's loop to close it with *code*."""
        if self.closing is None:
            self.closing = code
            self.ready.set()


class RealtimeHub:
    """Fans the process's committed events out to its WebSocket subscribers."""

    def __init__(
        self, feed: EventFeed, *, registry: CollectorRegistry, backlog: int = 1000
    ) -> None:
        self._feed = feed
        self._backlog = backlog
        self._subscribers: set[Subscriber] = set()
        self._unsubscribe: Callable[[], None] | None = None
        self._open = False
        Gauge(
            "lia_realtime_subscribers",
            "WebSocket clients of /api/v1/realtime connected to this process.",
            registry=registry,
        ).set_function(lambda: len(self._subscribers))
        self._events = Counter(
            "lia_realtime_events_total",
            "Committed realtime events this process heard, by kind.",
            ["kind"],
            registry=registry,
        )
        self._dropped = Counter(
            "lia_realtime_slow_clients_total",
            "WebSocket clients disconnected because they fell too far behind.",
            registry=registry,
        )

    @property
    def subscribers(self) -> int:
        """How many WebSockets are subscribed now."""
        return len(self._subscribers)

    def start(self) -> None:
        """Open for sockets; the hub listens to the feed only while one is subscribed, so a
        replica nobody watches does not even decode the events it hears."""
        self._open = True
        self._listen()

    def close(self) -> None:
        """Stop listening and ask every socket to close (server going away)."""
        self._open = False
        self._listen()
        for subscriber in list(self._subscribers):
            subscriber.call(subscriber.close, GOING_AWAY)

    def _listen(self) -> None:
        wanted = self._open and bool(self._subscribers)
        if wanted and self._unsubscribe is None:
            self._unsubscribe = self._feed.subscribe(self._hear)
        elif not wanted and self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def join(self, viewer: User) -> Subscriber:
        """Subscribe a socket watched by *viewer* (call it in the socket's event loop)."""
        subscriber = Subscriber(
            viewer=viewer, loop=asyncio.get_running_loop(), backlog=self._backlog
        )
        self._subscribers.add(subscriber)
        self._listen()
        return subscriber

    def leave(self, subscriber: Subscriber) -> None:
        """Forget *subscriber* (its socket is closed); safe to call twice."""
        self._subscribers.discard(subscriber)
        self._listen()

    def resync(self) -> None:
        """Tell every socket that events may have been missed."""
        frame = Frames.resync()
        for subscriber in list(self._subscribers):
            subscriber.call(self._offer, subscriber, frame, False)

    def _hear(self, event: RealtimeEvent) -> None:
        self._events.labels(event.kind.value).inc()
        frame: str | None = None
        for subscriber in list(self._subscribers):
            if may_see(subscriber.viewer, event):
                frame = frame or Frames.event(event)
                subscriber.call(self._offer, subscriber, frame)

    def _offer(self, subscriber: Subscriber, frame: str, event: bool = True) -> None:
        was_open = subscriber.closing is None
        subscriber.offer(frame, event=event)
        if was_open and subscriber.closing == TOO_SLOW:
            self._dropped.inc()
            log.warning(
                "realtime.client_too_slow", user=subscriber.viewer.username, backlog=self._backlog
            )
