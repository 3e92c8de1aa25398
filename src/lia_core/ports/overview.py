"""The console overview's read side (uow.overview): the desk counted now, and new conversations
counted per quarter hour, for the supervisor's "Visão geral"."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Protocol

import attrs

__all__ = ["SLOT", "DeskCounts", "OverviewQueries"]

SLOT = timedelta(minutes=15)
"""The width of an arrivals slot: every timezone's offset is a whole number of quarter hours,
so a slot always falls in one local hour (and a DST change happens on a slot's edge)."""


@attrs.frozen(kw_only=True)
class DeskCounts:
    """Open conversations and the desk's open assignments, counted in one read."""

    open: int
    """Conversations not resolved or archived (with the bot, in a queue, or with an agent)."""
    unassigned: int
    """Open at the desk without an agent: waiting in a queue, offered ones included."""
    unattended: int
    """Open at the desk and not answered by a person yet: the unassigned ones, and those an
    agent holds without having replied since they took it."""


class OverviewQueries(Protocol):
    """Counts for the overview; reads only, never locks."""

    async def counts(self) -> DeskCounts:
        """Open conversations, unassigned and unattended ones at the desk, now."""
        ...

    async def arrivals(self, since: datetime, until: datetime) -> Mapping[datetime, int]:
        """Conversations created in [*since*, *until*), counted per `SLOT`: each key is a
        slot's start (aware, UTC, a whole number of slots after the Unix epoch); slots with
        none are absent."""
        ...
