"""A ticket's business-hours durations, measured when the desk settles a change (docs/reports.md).

The reports' business-hours FRT, AHT and TTR read these from the ticket row instead of walking
a calendar per ticket at read time. Both run from the opening, on the SLA policy's business
calendar (`BusinessCalendar.business_seconds`: a binary search over its cached table of
working intervals, built once per calendar for the years spanned), over the same instants as
the calendar variants: FRT to the first human public reply, TTR to the last resolution of a
resolved or closed ticket; AHT is their difference, so FRT + AHT = TTR in both variants.
"""

from __future__ import annotations

import attrs

from lia_core.domain.tickets import EventKind, Ticket
from lia_core.sla.calendar import BusinessCalendar

__all__ = ["BusinessDurations", "business_durations", "with_business_durations"]


@attrs.frozen(kw_only=True)
class BusinessDurations:
    """Working seconds from a ticket's opening to its first human reply and to its resolution."""

    first_response: float | None = None
    """None until a human public reply."""
    resolution: float | None = None
    """None while the ticket is live (open or waiting on the customer)."""


def business_durations(ticket: Ticket, calendar: BusinessCalendar) -> BusinessDurations:
    """*ticket*'s durations on *calendar*, from its timeline as it stands."""
    opened = ticket.opened_at.timestamp()
    reply = next(
        (e.epoch for e in ticket.timeline.events if e.kind is EventKind.HUMAN_PUBLIC_REPLY), None
    )
    resolved = ticket.timeline.last(EventKind.RESOLVED) if ticket.status.is_final else None
    return BusinessDurations(
        first_response=None if reply is None else calendar.business_seconds(opened, reply),
        resolution=(
            None if resolved is None else calendar.business_seconds(opened, resolved.epoch)
        ),
    )


def with_business_durations(ticket: Ticket, calendar: BusinessCalendar) -> Ticket:
    """*ticket* carrying its durations, each measured once, when its event happens.

    A duration already stored is kept (a later change of the policy's calendar does not
    rewrite the past); the resolution is cleared while the ticket is live, so a reopened
    ticket is measured again at its next resolution. A ticket stored before the durations
    existed (NULL) gets them at its next change.
    """
    first = ticket.first_response_business_seconds
    resolution = ticket.resolution_business_seconds if ticket.status.is_final else None
    if first is None or (resolution is None and ticket.status.is_final):
        measured = business_durations(ticket, calendar)
        first = measured.first_response if first is None else first
        resolution = measured.resolution if resolution is None else resolution
    if (first, resolution) == (
        ticket.first_response_business_seconds,
        ticket.resolution_business_seconds,
    ):
        return ticket
    return attrs.evolve(
        ticket, first_response_business_seconds=first, resolution_business_seconds=resolution
    )
