"""In-memory bot sessions and handoff ledger, staged and version-checked like the SQL ones."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

import attrs

from lia_adapters.memory._tables import Staging
from lia_core.errors import AlreadyExists, ConcurrencyConflict
from lia_core.handoff.session import BotSession, HandoffEntry, HandoffFilter

__all__ = ["InMemoryBotSessionRepository", "InMemoryHandoffLedger", "matches"]


class InMemoryBotSessionRepository:
    """Bot sessions in an `InMemoryStore`; saves are checked against the version read."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, BotSession]:
        return {**self._uow.store.bot_sessions, **self._uow.staged.bot_sessions}

    async def get_many(self, conversation_ids: Collection[str]) -> Mapping[str, BotSession]:
        """The sessions of the given conversations that have one."""
        view = self._view()
        return {cid: view[cid] for cid in conversation_ids if cid in view}

    async def save_many(self, sessions: Sequence[BotSession]) -> None:
        """Stage each session at version + 1 if its version is the one last seen."""
        view = self._view()
        staged = self._uow.staged
        for session in sessions:
            current = view.get(session.conversation_id)
            if (current.version if current is not None else 0) != session.version:
                raise ConcurrencyConflict(entity="bot session", entity_id=session.conversation_id)
            staged.bot_read_versions.setdefault(session.conversation_id, session.version)
            saved = attrs.evolve(session, version=session.version + 1)
            staged.bot_sessions[session.conversation_id] = saved
            view[session.conversation_id] = saved

    async def due(self, now: datetime, *, limit: int) -> Sequence[BotSession]:
        """Sessions due at *now*, earliest first (the fake has no row locks)."""
        due = [s for s in self._view().values() if s.due_at is not None and s.due_at <= now]
        due.sort(key=lambda s: (s.due_at or now, s.conversation_id))
        return due[:limit]


def matches(entry: HandoffEntry, query: HandoffFilter) -> bool:
    """Whether *entry* is one *query* asks for (the filter as a predicate)."""
    return (query.reason is None or entry.reason is query.reason) and (
        query.since is None or entry.at >= query.since
    )


class InMemoryHandoffLedger:
    """The handoff ledger in an `InMemoryStore`."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, HandoffEntry]:
        return {**self._uow.store.handoffs, **self._uow.staged.handoffs}

    async def add_many(self, entries: Sequence[HandoffEntry]) -> None:
        """Stage new entries; a taken id is refused."""
        view = self._view()
        for entry in entries:
            if entry.id in view:
                raise AlreadyExists(entity="handoff", entity_id=entry.id)
            self._uow.staged.handoffs[entry.id] = entry
            view[entry.id] = entry

    async def accept(self, conversation_id: str, *, by: str, at: datetime) -> HandoffEntry | None:
        """Fill who accepted the latest waiting handoff of the conversation."""
        waiting = [
            e
            for e in self._view().values()
            if e.conversation_id == conversation_id and e.accepted_by is None
        ]
        if not waiting:
            return None
        latest = max(waiting, key=lambda e: (e.at, e.id))
        accepted = attrs.evolve(latest, accepted_by=by, accepted_at=at)
        self._uow.staged.handoffs[latest.id] = accepted
        return accepted

    async def list(self, query: HandoffFilter) -> Sequence[HandoffEntry]:
        """Matching entries, newest first."""
        found = [e for e in self._view().values() if matches(e, query)]
        found.sort(key=lambda e: (e.at, e.id), reverse=True)
        return found[: query.limit]
