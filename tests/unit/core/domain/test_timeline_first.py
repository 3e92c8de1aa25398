"""The first event of a kind from a given instant on."""

from __future__ import annotations

from datetime import timedelta

from lia_core.domain.tickets import EventKind, Timeline, TimelineEvent
from tests.unit.core.domain.test_tickets import T0


def test_an_event_exactly_at_the_start_counts_as_after_it() -> None:
    """first(kind, after=t) finds an event at t itself, and later ones only past it."""
    reply = TimelineEvent(kind=EventKind.HUMAN_PUBLIC_REPLY, at=T0)
    later = TimelineEvent(kind=EventKind.HUMAN_PUBLIC_REPLY, at=T0 + timedelta(minutes=5))
    timeline = Timeline((reply, later))
    assert timeline.first(EventKind.HUMAN_PUBLIC_REPLY, after=T0) == T0
    assert timeline.first(
        EventKind.HUMAN_PUBLIC_REPLY, after=T0 + timedelta(seconds=1)
    ) == T0 + timedelta(minutes=5)
