"""The in-process event bus (the feed of the fake and of SQLite) and a unit of work's staged events."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import structlog

from lia_core.domain.realtime import PublishedEvent, RealtimeEvent, event_of
from lia_core.ports.realtime import EventListener

__all__ = ["InProcessEventBus", "StagedEvents"]

log = structlog.get_logger(__name__)


class InProcessEventBus:
    """Fans committed events out to this process's listeners (an `EventFeed`).

    Holds the last `keep` events delivered for inspection (`.delivered`), so tests and demos
    can read what was published without subscribing first.
    """

    def __init__(self, *, keep: int = 1000) -> None:
        self._listeners: dict[int, EventListener] = {}
        self._next = 0
        self._keep = keep
        self.delivered: list[RealtimeEvent] = []

    @property
    def listeners(self) -> int:
        """How many listeners are subscribed."""
        return len(self._listeners)

    def subscribe(self, listener: EventListener) -> Callable[[], None]:
        """Call *listener* with each delivered event from now on; returns the unsubscribe."""
        self._next += 1
        key = self._next
        self._listeners[key] = listener

        def unsubscribe() -> None:
            self._listeners.pop(key, None)

        return unsubscribe

    def deliver(self, events: Iterable[PublishedEvent]) -> None:
        """Hand *events*, in order, to every listener (after their transaction committed)."""
        batch = [event_of(event) for event in events]
        if not batch:
            return
        self.delivered.extend(batch)
        del self.delivered[: -self._keep or None]
        for listener in list(self._listeners.values()):
            for event in batch:
                try:
                    listener(event)
                except Exception:  # the commit is done: one bad listener must not stop the rest
                    log.exception("realtime.listener_failed", kind=event.kind.value)


class StagedEvents:
    """`uow.events`: events held until the unit of work commits (then `take`n), dropped on rollback."""

    def __init__(self) -> None:
        self._staged: list[PublishedEvent] = []

    def publish(self, *events: PublishedEvent) -> None:
        """Stage *events* for the commit."""
        self._staged.extend(events)

    def take(self) -> list[PublishedEvent]:
        """The staged events, leaving none (the commit sends them)."""
        staged, self._staged = self._staged, []
        return staged

    def clear(self) -> None:
        """Forget the staged events (rollback)."""
        self._staged = []
