"""Realtime ports: publishing events with a transaction (`uow.events`) and hearing them.

A use case publishes inside its unit of work; the events leave only when it commits (on
PostgreSQL by NOTIFY in the transaction, elsewhere to the process's bus after the commit), so
a screen never hears of a change that was rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from lia_core.domain.realtime import PublishedEvent, RealtimeEvent, RealtimeKind

__all__ = ["EventFeed", "EventListener", "EventPublisher", "RealtimeEvent", "RealtimeKind"]

EventListener = Callable[[RealtimeEvent], None]
"""Called once per event, in publishing order; must not block (queue the work)."""


class EventPublisher(Protocol):
    """The unit of work's outgoing events (`uow.events`)."""

    def publish(self, *events: PublishedEvent) -> None:
        """Send *events* when the unit of work commits; nothing if it rolls back.

        Cheap: nothing is written until the commit, which sends every event of the
        transaction at once, in order. An `EncodedEvent` goes as it is (a hot path encodes
        its events itself); listeners always get `RealtimeEvent`s.
        """
        ...


class EventFeed(Protocol):
    """Where a process hears the events every process committed (its WebSocket hub listens)."""

    def subscribe(self, listener: EventListener) -> Callable[[], None]:
        """Call *listener* with each committed event from now on; returns the unsubscribe."""
        ...

    @property
    def listeners(self) -> int:
        """How many listeners are subscribed."""
        ...
