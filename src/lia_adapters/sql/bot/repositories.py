"""SQL bot sessions and handoff ledger: batch reads and writes, row conversions beside them."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Executable, and_, select, update

from lia_adapters.sql import bulk
from lia_adapters.sql.base import ConnectionSource, Row
from lia_adapters.sql.bot.tables import bot_sessions, handoffs
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.domain.delivery import Channel
from lia_core.domain.tickets import Priority, SupportLevel
from lia_core.errors import AlreadyExists, ConcurrencyConflict
from lia_core.handoff import ConversationState, Destination, HandoffReason, Intent, Phase
from lia_core.handoff.session import BotSession, HandoffEntry, HandoffFilter

__all__ = [
    "SqlBotSessionRepository",
    "SqlHandoffLedger",
    "entry_from_row",
    "session_from_row",
    "state_from_json",
    "state_to_json",
]

_s = bot_sessions.c
_h = handoffs.c
_IN_LIST = 5000
_SESSION_COLUMNS = [c.name for c in bot_sessions.columns]
_HANDOFF_COLUMNS = [c.name for c in handoffs.columns]


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _at(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def state_to_json(state: ConversationState) -> dict[str, object]:
    """The machine's state as a JSON document."""
    d = state.destination
    return {
        "phase": state.phase.value,
        "last_activity": state.last_activity.isoformat(),
        "clarifications": state.clarifications,
        "offered_at": _when(state.offered_at),
        "resume_phase": state.resume_phase.value if state.resume_phase else None,
        "destination": (
            {"level": d.level.value, "department": d.department, "queue": d.queue} if d else None
        ),
        "reason": state.reason.value if state.reason else None,
        "intent": state.intent.value if state.intent else None,
    }


def state_from_json(raw: Mapping[str, Any]) -> ConversationState:
    """Inverse of `state_to_json`."""
    d = raw.get("destination")
    last = _at(raw["last_activity"])
    assert last is not None  # written by state_to_json, never empty
    return ConversationState(
        phase=Phase(raw["phase"]),
        last_activity=last,
        clarifications=int(raw.get("clarifications") or 0),
        offered_at=_at(raw.get("offered_at")),
        resume_phase=Phase(raw["resume_phase"]) if raw.get("resume_phase") else None,
        destination=(
            Destination(
                level=SupportLevel(d["level"]), department=d["department"], queue=d["queue"]
            )
            if d
            else None
        ),
        reason=HandoffReason(raw["reason"]) if raw.get("reason") else None,
        intent=Intent(raw["intent"]) if raw.get("intent") else None,
    )


def session_values(session: BotSession) -> dict[str, object]:
    """The `bot_sessions` row of *session* as saved (version + 1)."""
    return {
        "conversation_id": session.conversation_id,
        "channel": session.channel.value,
        "chat_id": session.chat_id,
        "contact_phone": session.contact_phone,
        "state": state_to_json(session.state),
        "due_at": session.due_at,
        "out_of_hours_on": session.out_of_hours_on,
        "updated_at": session.updated_at,
        "version": session.version + 1,
    }


def session_from_row(row: Row) -> BotSession:
    """The session a `bot_sessions` row holds."""
    return BotSession(
        conversation_id=row["conversation_id"],
        channel=Channel(row["channel"]),
        chat_id=row["chat_id"],
        contact_phone=row["contact_phone"],
        state=state_from_json(row["state"]),
        due_at=row["due_at"],
        out_of_hours_on=row["out_of_hours_on"],
        updated_at=row["updated_at"],
        version=row["version"],
    )


def _replace_if_unchanged(insert: Any) -> Executable:
    """``ON CONFLICT (conversation_id) DO UPDATE … WHERE version = excluded.version - 1``."""
    changed = {n: insert.excluded[n] for n in _SESSION_COLUMNS if n != "conversation_id"}
    return cast(
        Executable,
        insert.on_conflict_do_update(
            index_elements=["conversation_id"],
            set_=changed,
            where=_s.version == insert.excluded.version - 1,
        ).returning(_s.conversation_id),
    )


_SAVE_SESSIONS = bulk.Batch.insert(
    bot_sessions, _SESSION_COLUMNS, on_conflict=_replace_if_unchanged
)


class SqlBotSessionRepository:
    """Bot sessions in `bot_sessions`; a save is one upsert conditional on the version read."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def get_many(self, conversation_ids: Collection[str]) -> Mapping[str, BotSession]:
        """The stored sessions of the given conversations."""
        ids = sorted(set(conversation_ids))
        found: dict[str, BotSession] = {}
        conn = self._connection()
        for chunk in bulk.chunks(ids, _IN_LIST):
            result = await conn.execute(
                select(bot_sessions).where(bulk.any_of(conn, _s.conversation_id, "ids")),
                {"ids": list(chunk)},
            )
            for row in result.mappings():
                found[row["conversation_id"]] = session_from_row(row)
        return found

    async def save_many(self, sessions: Sequence[BotSession]) -> None:
        """Insert new sessions and replace read ones, each only if unchanged since read."""
        if not sessions:
            return
        rows = [session_values(s) for s in sessions]
        conn = self._connection()
        with wrap_db_errors(entity="bot session", entity_id=sessions[0].conversation_id):
            written = await _SAVE_SESSIONS.written(conn, rows, key="conversation_id")
        for session in sessions:
            if session.conversation_id not in written:
                raise ConcurrencyConflict(entity="bot session", entity_id=session.conversation_id)

    async def due(self, now: datetime, *, limit: int) -> Sequence[BotSession]:
        """Sessions due at *now*, earliest first, locked with SKIP LOCKED on PostgreSQL."""
        statement = (
            select(bot_sessions)
            .where(_s.due_at.is_not(None), _s.due_at <= now)
            .order_by(_s.due_at, _s.conversation_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self._connection().execute(statement)
        return [session_from_row(row) for row in result.mappings()]


def entry_values(entry: HandoffEntry) -> dict[str, object]:
    """The `handoffs` row of *entry*."""
    return {
        "id": entry.id,
        "conversation_id": entry.conversation_id,
        "reason": entry.reason.value,
        "department": entry.department,
        "level": entry.level.value,
        "priority": entry.priority.value,
        "intent": entry.intent.value if entry.intent else None,
        "at": entry.at,
        "accepted_by": entry.accepted_by,
        "accepted_at": entry.accepted_at,
    }


def entry_from_row(row: Row) -> HandoffEntry:
    """The ledger entry a `handoffs` row holds."""
    return HandoffEntry(
        id=row["id"],
        conversation_id=row["conversation_id"],
        reason=HandoffReason(row["reason"]),
        department=row["department"],
        level=SupportLevel(row["level"]),
        priority=Priority(row["priority"]),
        intent=Intent(row["intent"]) if row["intent"] else None,
        at=row["at"],
        accepted_by=row["accepted_by"],
        accepted_at=row["accepted_at"],
    )


class SqlHandoffLedger:
    """The ledger in `handoffs`: rows appended in one statement, acceptance one UPDATE."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add_many(self, entries: Sequence[HandoffEntry]) -> None:
        """Append *entries*; a taken id raises AlreadyExists."""
        if not entries:
            return
        rows = [entry_values(e) for e in entries]
        with wrap_db_errors(entity="handoff", entity_id=entries[0].id):
            added = await bulk.insert_ignoring_duplicates(
                self._connection(), handoffs, rows, unique=["id"]
            )
        if added != len(entries):
            raise AlreadyExists(entity="handoff", entity_id=entries[0].id)

    async def accept(self, conversation_id: str, *, by: str, at: datetime) -> HandoffEntry | None:
        """Fill the latest waiting handoff of the conversation; the first acceptance stays."""
        latest = (
            select(_h.id)
            .where(_h.conversation_id == conversation_id, _h.accepted_by.is_(None))
            .order_by(_h.at.desc(), _h.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        statement = (
            update(handoffs)
            .where(and_(_h.id == latest, _h.accepted_by.is_(None)))
            .values(accepted_by=by, accepted_at=at)
            .returning(*handoffs.c)
        )
        row = (await self._connection().execute(statement)).mappings().first()
        return entry_from_row(row) if row is not None else None

    async def list(self, query: HandoffFilter) -> Sequence[HandoffEntry]:
        """Matching entries, newest first."""
        statement = select(handoffs)
        if query.reason is not None:
            statement = statement.where(_h.reason == query.reason.value)
        if query.since is not None:
            statement = statement.where(_h.at >= query.since)
        statement = statement.order_by(_h.at.desc(), _h.id.desc()).limit(query.limit)
        result = await self._connection().execute(statement)
        return [entry_from_row(row) for row in result.mappings()]
