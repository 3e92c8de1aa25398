"""Storage ports of the bot in the live flow: each conversation's bot state, the handoff ledger."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from lia_core.handoff.session import BotSession, HandoffEntry, HandoffFilter

__all__ = ["BotSessionRepository", "HandoffLedger"]


class BotSessionRepository(Protocol):
    """The bot state of each conversation (`uow.bot_sessions`), versioned."""

    async def get_many(self, conversation_ids: Collection[str]) -> Mapping[str, BotSession]:
        """The stored sessions of the given conversations (those without one are left out)."""
        ...

    async def save_many(self, sessions: Sequence[BotSession]) -> None:
        """Store each session: a new one (version 0) is added, a read one is replaced, both
        at version + 1, in one statement whatever their number.

        Raises:
            ConcurrencyConflict: a session was saved by someone else since it was read (or a
                new one exists already); nothing of the batch is kept once rolled back.
        """
        ...

    async def due(self, now: datetime, *, limit: int) -> Sequence[BotSession]:
        """At most *limit* sessions whose ``due_at`` is at or before *now*, earliest first.

        On PostgreSQL the rows are locked (``FOR UPDATE SKIP LOCKED``) until the unit of work
        ends, so two workers take different sessions.
        """
        ...


class HandoffLedger(Protocol):
    """Every handoff of a conversation to humans (`uow.handoffs`): append, accept, list."""

    async def add_many(self, entries: Sequence[HandoffEntry]) -> None:
        """Append *entries* (ids are unique; one statement whatever their number)."""
        ...

    async def accept(self, conversation_id: str, *, by: str, at: datetime) -> HandoffEntry | None:
        """Record that *by* took the conversation: the latest of its handoffs not yet accepted
        gets *by* and *at*. Returns that entry, or None when none waits (never handed, or
        accepted already: the first to accept stays)."""
        ...

    async def list(self, query: HandoffFilter) -> Sequence[HandoffEntry]:
        """Entries matching *query*, newest first (ties: id descending), at most its limit."""
        ...
