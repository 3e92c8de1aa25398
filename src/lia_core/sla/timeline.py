"""A ticket's timeline as the SLA clock sees it: timestamped events, ordered."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

import attrs

from lia_core.sla.policy import Priority, Severity
from lia_core.validation import aware, aware_or_none

__all__ = ["EventKind", "TicketTimeline", "TimelineEvent"]


class EventKind(enum.StrEnum):
    """What happened on a ticket."""

    CREATED = "created"
    HANDED_TO_HUMAN = "handed_to_human"
    HUMAN_PUBLIC_REPLY = "human_public_reply"
    BOT_REPLY = "bot_reply"
    PRIVATE_NOTE = "private_note"
    WAITING_CUSTOMER_ON = "waiting_customer_on"
    WAITING_CUSTOMER_OFF = "waiting_customer_off"
    RESOLVED = "resolved"
    REOPENED = "reopened"


@attrs.frozen(kw_only=True)
class TimelineEvent:
    """One event at an aware instant."""

    kind: EventKind
    at: datetime = attrs.field(validator=aware)
    epoch: float = attrs.field(init=False, eq=False, repr=False)
    """*at* as POSIX seconds, computed once."""

    @epoch.default
    def _epoch(self) -> float:
        return self.at.timestamp()


def _sorted(events: Iterable[TimelineEvent]) -> tuple[TimelineEvent, ...]:
    return tuple(sorted(events, key=lambda e: e.at))


@attrs.frozen(kw_only=True)
class TicketTimeline:
    """What the SLA clock needs of a ticket: its facts and its events, oldest first."""

    ticket_id: str
    priority: Priority
    severity: Severity | None = None
    events: tuple[TimelineEvent, ...] = attrs.field(converter=_sorted, default=())
    deadline: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """An explicit resolution deadline; it overrides the policy's resolution target."""
    first_response_deadline: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """An explicit first-response deadline; it overrides the policy's first-response target."""
    answered_by_outage_gate: bool = False
    """The outage gate answered this contact: no clock starts."""

    def first(self, kind: EventKind, *, after: datetime | None = None) -> datetime | None:
        """The instant of the first *kind* event (at or after *after*), or None."""
        for event in self.events:
            if event.kind is kind and (after is None or event.at >= after):
                return event.at
        return None

    def until(self, now: datetime) -> TicketTimeline:
        """The timeline as known at *now* (later events dropped)."""
        return attrs.evolve(self, events=tuple(e for e in self.events if e.at <= now))

    def waiting_spans(self) -> tuple[tuple[datetime, datetime | None], ...]:
        """Spans spent waiting on the customer; the last may still be open (None)."""
        spans: list[tuple[datetime, datetime | None]] = []
        opened: datetime | None = None
        for event in self.events:
            if event.kind is EventKind.WAITING_CUSTOMER_ON and opened is None:
                opened = event.at
            elif event.kind is EventKind.WAITING_CUSTOMER_OFF and opened is not None:
                if event.at > opened:
                    spans.append((opened, event.at))
                opened = None
        if opened is not None:
            spans.append((opened, None))
        return tuple(spans)
