"""SQL contacts and conversations: batch reads and upserts for the inbound pipeline.

Each batch is one or two statements whatever its size, each a `bulk.Batch`: on PostgreSQL
rows travel as one array per column through ``unnest``; on SQLite as an executemany or a
multi-row VALUES list.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Executable, and_, bindparam, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql import bulk
from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.conversations.mapping import (
    contact_from_row,
    contact_values,
    conversation_from_row,
    conversation_values,
)
from lia_adapters.sql.conversations.tables import contacts as contact_table
from lia_adapters.sql.conversations.tables import conversations as conversation_table
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.domain.conversations import Contact, Conversation, ConversationStatus
from lia_core.domain.recipients import ContactKey
from lia_core.errors import ConcurrencyConflict, NotFound
from lia_core.ports import ChatKey

__all__ = ["SqlContactRepository", "SqlConversationRepository"]

_IN_LIST = 5000
"""Keys per SQLite ``IN`` list (two parameters per chat key, far below SQLite's bound)."""

_CONTACT_COLUMNS = [c.name for c in contact_table.columns]
_CONVERSATION_COLUMNS = [c.name for c in conversation_table.columns]
# A stored conversation keeps its id and chat key: rewriting the key could take another's.
# The version is the condition of the update and is bumped by the database.
_CONVERSATION_CHANGES = [
    n for n in _CONVERSATION_COLUMNS if n not in ("id", "channel", "chat_id", "version")
]
_BUMPED = conversation_table.c.version + 1


def _replace_contact(insert: Any) -> Executable:
    """``… ON CONFLICT (phone) DO UPDATE SET <every column> = excluded.<column>``."""
    changed = {n: insert.excluded[n] for n in _CONTACT_COLUMNS if n != "phone"}
    return cast(Executable, insert.on_conflict_do_update(index_elements=["phone"], set_=changed))


_UPSERT_CONTACTS = bulk.Batch.insert(contact_table, _CONTACT_COLUMNS, on_conflict=_replace_contact)

_INSERT_CONVERSATIONS = bulk.Batch.insert(
    conversation_table,
    _CONVERSATION_COLUMNS,
    # A taken id *or chat key* is skipped; RETURNING names the rows inserted.
    on_conflict=lambda insert: insert.on_conflict_do_nothing().returning(conversation_table.c.id),
)


def _update_conversations_from(rows: bulk.Unnest) -> Executable:
    """PostgreSQL: ``UPDATE conversations SET …, version = version + 1 FROM unnest(…) v
    WHERE id = v.id AND version = v.version RETURNING id``."""
    return (
        update(conversation_table)
        .where(
            conversation_table.c.id == rows.source.c.id,
            conversation_table.c.version == rows.source.c.version,
        )
        .values({"version": _BUMPED, **{n: rows.columns[n] for n in _CONVERSATION_CHANGES}})
        .returning(conversation_table.c.id)
    )


def _update_conversation() -> Executable:
    """SQLite, per row of an executemany: ``UPDATE … WHERE id = :_id AND version = :_version``."""
    return (
        update(conversation_table)
        .where(
            conversation_table.c.id == bindparam("_id"),
            conversation_table.c.version == bindparam("_version"),
        )
        .values({"version": _BUMPED, **{n: bindparam(n) for n in _CONVERSATION_CHANGES}})
    )


_UPDATE_CONVERSATIONS = bulk.Batch(
    conversation_table,
    ["id", "version", *_CONVERSATION_CHANGES],
    postgresql=_update_conversations_from,
    sqlite=_update_conversation,
    sqlite_params=lambda rows: [
        {"_id": r["id"], "_version": r["version"], **{n: r[n] for n in _CONVERSATION_CHANGES}}
        for r in rows
    ],
)


def _by_chat_join(rows: bulk.Unnest) -> Executable:
    on = and_(
        conversation_table.c.channel == rows.source.c.channel,
        conversation_table.c.chat_id == rows.source.c.chat_id,
    )
    return select(conversation_table).join(rows.source, on)


def _by_chat_in() -> Executable:
    chat = tuple_(conversation_table.c.channel, conversation_table.c.chat_id)
    return select(conversation_table).where(chat.in_(bindparam("chats", expanding=True)))


_CONVERSATIONS_BY_CHAT = bulk.Batch(
    conversation_table,
    ["channel", "chat_id"],
    postgresql=_by_chat_join,
    sqlite=_by_chat_in,
    sqlite_params=lambda rows: {"chats": [(r["channel"], r["chat_id"]) for r in rows]},
)
"""A join to ``unnest`` (PostgreSQL) or a row-value ``IN`` (SQLite)."""


async def _refuse_taken_ids(conn: AsyncConnection, skipped: Sequence[str]) -> None:
    """Raise ConcurrencyConflict if a new conversation not inserted had its id stored already
    (one not inserted because another id holds its chat key is skipped, as documented)."""
    if not skipped:
        return
    taken = await conn.scalar(
        select(conversation_table.c.id).where(conversation_table.c.id.in_(skipped)).limit(1)
    )
    if taken is not None:
        raise ConcurrencyConflict(entity="conversation", entity_id=taken)


class SqlContactRepository:
    """Contacts in the `contacts` table, one per phone."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def get(self, phone: ContactKey) -> Contact:
        """One contact. Raises NotFound."""
        result = await self._connection().execute(
            select(contact_table).where(contact_table.c.phone == str(phone))
        )
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="contact", entity_id=str(phone))
        return contact_from_row(row)

    async def get_many(self, phones: Collection[ContactKey]) -> Mapping[ContactKey, Contact]:
        """The known contacts among *phones* (one ``= ANY`` or ``IN`` query per 5,000)."""
        conn = self._connection()
        query = select(contact_table).where(bulk.any_of(conn, contact_table.c.phone, "phones"))
        found: dict[ContactKey, Contact] = {}
        for part in bulk.chunks(sorted({str(p) for p in phones}), _IN_LIST):
            result = await conn.execute(query, {"phones": list(part)})
            for row in result.mappings():
                contact = contact_from_row(row)
                found[contact.phone] = contact
        return found

    async def save_many(self, contacts: Sequence[Contact]) -> None:
        """Insert or replace contacts by phone in one upsert (the last of a repeated phone wins)."""
        rows = list({c.phone: contact_values(c) for c in contacts}.values())
        if not rows:
            return
        with wrap_db_errors(entity="contact", entity_id=str(rows[0]["phone"])):
            await _UPSERT_CONTACTS.execute(self._connection(), rows)


class SqlConversationRepository:
    """Conversations in the `conversations` table, unique per channel and chat id."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def get(self, conversation_id: str) -> Conversation:
        """One conversation. Raises NotFound."""
        result = await self._connection().execute(
            select(conversation_table).where(conversation_table.c.id == conversation_id)
        )
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="conversation", entity_id=conversation_id)
        return conversation_from_row(row)

    async def get_many(self, chats: Collection[ChatKey]) -> Mapping[ChatKey, Conversation]:
        """The known conversations among *chats* (a join to ``unnest`` or a row-value ``IN``)."""
        conn = self._connection()
        wanted = sorted({(channel.value, chat_id) for channel, chat_id in chats})
        found: dict[ChatKey, Conversation] = {}
        for part in bulk.chunks(wanted, _IN_LIST):
            rows = [{"channel": channel, "chat_id": chat} for channel, chat in part]
            result = await _CONVERSATIONS_BY_CHAT.execute(conn, rows)
            for row in result.mappings():
                conversation = conversation_from_row(row)
                found[(conversation.channel, conversation.chat_id)] = conversation
        return found

    async def save_many(self, conversations: Sequence[Conversation]) -> None:
        """Insert new conversations (version 0) and rewrite known ones if still at their version.

        New ones go first, ``INSERT … ON CONFLICT DO NOTHING RETURNING id``: a chat key
        another conversation holds is skipped, so a concurrent writer that created the same
        chat under another id is never failed on and its conversation is kept (the fake does
        the same). Known ones are then updated by id and version, each bumping its version.
        Every saved object's ``version`` is set to the stored one.

        Raises:
            ConcurrencyConflict: a known conversation was saved by someone else since it
                was read (or is gone), or a new one's id is already stored.
        """
        by_id = {c.id: c for c in conversations}
        if not by_id:
            return
        conn = self._connection()
        new = [conversation_values(c) | {"version": 1} for c in by_id.values() if c.version == 0]
        known = [conversation_values(c) for c in by_id.values() if c.version != 0]
        stored = {c.id: c.version + 1 for c in by_id.values() if c.version != 0}
        with wrap_db_errors(entity="conversation", entity_id=next(iter(by_id))):
            if new:
                inserted = await self._insert(conn, new)
                skipped = [str(row["id"]) for row in new if row["id"] not in inserted]
                await _refuse_taken_ids(conn, skipped)
                stored.update(dict.fromkeys(inserted, 1))
            if known:
                await self._update(conn, known)
        for conversation in conversations:
            conversation.version = stored.get(conversation.id, conversation.version)

    @staticmethod
    async def _insert(conn: AsyncConnection, rows: list[dict[str, object]]) -> set[str]:
        return set((await _INSERT_CONVERSATIONS.execute(conn, rows)).scalars())

    @staticmethod
    async def _update(conn: AsyncConnection, rows: list[dict[str, object]]) -> None:
        result = await _UPDATE_CONVERSATIONS.execute(conn, rows)
        if result.returns_rows:  # PostgreSQL names the rows it changed
            changed = set(result.scalars())
            lost = [str(row["id"]) for row in rows if row["id"] not in changed]
        else:  # SQLite's executemany counts them: naming one lost row is enough to refuse
            lost = [] if result.rowcount == len(rows) else [str(rows[0]["id"])]
        if lost:
            raise ConcurrencyConflict(entity="conversation", entity_id=lost[0])

    async def list(
        self,
        *,
        status: ConversationStatus | None = None,
        contact_phone: str | None = None,
        limit: int = 50,
    ) -> Sequence[Conversation]:
        """Conversations, most recent message first."""
        query = (
            select(conversation_table)
            .order_by(conversation_table.c.last_message_at.desc(), conversation_table.c.id.desc())
            .limit(limit)
        )
        if status is not None:
            query = query.where(conversation_table.c.status == status.value)
        if contact_phone is not None:
            query = query.where(conversation_table.c.contact_phone == contact_phone)
        result = await self._connection().execute(query)
        return [conversation_from_row(row) for row in result.mappings()]
