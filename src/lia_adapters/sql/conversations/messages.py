"""SQL messages and delivery receipts: the ingest hot path, one statement per batch.

- ``add_inbound``: ``INSERT INTO messages … ON CONFLICT (channel, provider_message_id)
  DO NOTHING RETURNING id``; the unique constraint, not a prior read, skips redeliveries.
- ``record_receipts``: ``INSERT INTO message_receipts … ON CONFLICT (channel,
  provider_message_id) DO UPDATE SET … WHERE excluded.status_rank >
  message_receipts.status_rank RETURNING …``; a late or repeated receipt changes nothing.
- ``mark_processed``: ``UPDATE messages SET processed_at, conversation_id FROM <id →
  conversation id rows> WHERE messages.id = v.key``.

Rows come from ``unnest`` arrays on PostgreSQL and from VALUES lists or ``json_each`` on
SQLite (see `bulk`); every statement is built once per dialect.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Executable, Select, and_, bindparam, func, literal, select, text, update

from lia_adapters.sql import bulk
from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.bulk import ROWS_PER_STATEMENT
from lia_adapters.sql.column_types import UtcDateTime
from lia_adapters.sql.conversations.gate_claim import CLAIM_LOCK, CLAIM_UNPROCESSED
from lia_adapters.sql.conversations.mapping import (
    inbound_values,
    outbound_values,
    pending_from_row,
    receipt_values,
    stored_message_from_row,
)
from lia_adapters.sql.conversations.tables import UNPROCESSED, message_receipts
from lia_adapters.sql.conversations.tables import messages as message_table
from lia_adapters.sql.delivery.tables import outbox_jobs
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.domain.conversations import Direction, OutboundRef, PendingInbound, StoredMessage
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage, MessageStatus, StatusUpdate

__all__ = ["SqlMessageRepository"]

_msg = message_table.c
_rcpt = message_receipts.c
_jobs = outbox_jobs.c
# A reply is never blanked by retention nor leased to a gate (only inbound messages are).
_ALL = [c.name for c in message_table.columns if c.name not in {"redacted_at", "gate_lease_until"}]
# What varies between the inbound rows of one batch; the rest is bound once.
_INBOUND = [
    *("id", "channel", "contact_phone", "reply_to", "display_name", "kind", "text"),
    *("reply_id", "details", "provider_message_id", "sent_at", "request_id"),
]
_RECEIPT = ["channel", "provider_message_id", "status", "status_rank", "at"]
_RECEIPT += ["error_code", "error_title", "recipient"]
_ROWS = ROWS_PER_STATEMENT  # per SQLite VALUES list


_INSERT_INBOUND = bulk.Batch.insert(
    message_table,
    _INBOUND,
    on_conflict=lambda insert: insert.on_conflict_do_nothing(
        index_elements=["channel", "provider_message_id"]
    ).returning(_msg.id),
    constant={
        "direction": literal(Direction.INBOUND.value),
        "status": literal(MessageStatus.RECEIVED.value),
        "stored_at": bindparam("stored_at", type_=UtcDateTime),
    },
    page_size=_ROWS,
)
"""PostgreSQL sends only what varies between the rows of a batch; SQLite rows hold them all."""

_INSERT_OUTBOUND = bulk.Batch.insert(
    message_table,
    _ALL,
    on_conflict=lambda insert: insert.on_conflict_do_nothing(index_elements=["job_key"]).returning(
        _msg.id
    ),
    page_size=_ROWS,
)


def _keep_highest_receipt(insert: Any) -> Executable:
    excluded = insert.excluded
    changes = {n: excluded[n] for n in _RECEIPT[2:]} | {"updated_at": func.now()}
    statement = insert.on_conflict_do_update(
        index_elements=["channel", "provider_message_id"],
        set_=changes,
        where=excluded.status_rank > _rcpt.status_rank,
    )
    return cast(Executable, statement.returning(_rcpt.channel, _rcpt.provider_message_id))


_UPSERT_RECEIPTS = bulk.Batch.insert(
    message_receipts,
    _RECEIPT,
    on_conflict=_keep_highest_receipt,
    computed={"updated_at": func.now()},
    page_size=_ROWS,
)

_MARK_PROCESSED = bulk.MappingBatch(
    lambda handled: (
        update(message_table)
        .where(_msg.id == handled.c.key)
        .values(processed_at=bindparam("at", type_=UtcDateTime), conversation_id=handled.c.value)
    )
)


_NOTIFY = text("SELECT pg_notify(:channel, '')")

_UNPROCESSED = (
    select(message_table)
    .where(text(UNPROCESSED), _msg.stored_at < bindparam("before", type_=UtcDateTime))
    .order_by(_msg.stored_at, _msg.id)
    .limit(bindparam("limit"))
)

_WITH_STATUS: Select[Any] = select(
    message_table,
    _jobs.status.label("job_status"),
    _jobs.provider_message_id.label("job_provider_message_id"),
    _jobs.updated_at.label("job_updated_at"),
    _rcpt.status.label("receipt_status"),
    _rcpt.at.label("receipt_at"),
    _rcpt.error_code.label("receipt_error_code"),
    _rcpt.error_title.label("receipt_error_title"),
).select_from(
    message_table.outerjoin(outbox_jobs, _jobs.idempotency_key == _msg.job_key).outerjoin(
        message_receipts,
        and_(
            _rcpt.channel == _jobs.channel,
            _rcpt.provider_message_id == _jobs.provider_message_id,
        ),
    )
)
_LAST_MESSAGES = (
    _WITH_STATUS.where(_msg.conversation_id == bindparam("conversation_id"))
    .order_by(_msg.sent_at.desc(), _msg.id.desc())
    .limit(bindparam("limit"))
)
_BY_JOB_KEY = _WITH_STATUS.where(_msg.job_key == bindparam("job_key"), _jobs.id.is_not(None))


def _latest(updates: Sequence[StatusUpdate]) -> list[StatusUpdate]:
    # An upsert may not touch one row twice: keep each message's highest receipt.
    best: dict[tuple[Channel, str], StatusUpdate] = {}
    for update_ in updates:
        key = (update_.channel, update_.provider_message_id)
        seen = best.get(key)
        if seen is None or update_.status.rank > seen.status.rank:
            best[key] = update_
    return list(best.values())


_REF_COLUMNS = (
    _msg.id,
    _msg.conversation_id,
    _msg.job_key,
    _jobs.channel,
    _jobs.provider_message_id,
)
_OUTBOUND_JOBS = message_table.join(outbox_jobs, _jobs.idempotency_key == _msg.job_key)
_REFS_BY_KEY = (
    select(*_REF_COLUMNS)
    .select_from(_OUTBOUND_JOBS)
    .where(_msg.job_key.in_(bindparam("keys", expanding=True)))
)
_REFS_BY_PROVIDER_ID = (
    select(*_REF_COLUMNS)
    .select_from(_OUTBOUND_JOBS)
    .where(_jobs.provider_message_id.in_(bindparam("ids", expanding=True)))
)


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _ROWS):
        yield values[start : start + _ROWS]


def _ref(row: Any) -> OutboundRef:
    return OutboundRef(
        message_id=row[0],
        conversation_id=row[1],
        job_key=row[2],
        channel=Channel(row[3]),
        provider_message_id=row[4],
    )


class SqlMessageRepository:
    """Messages in `messages`, receipts in `message_receipts`."""

    def __init__(self, connection: ConnectionSource, *, notify_stored: str | None = None) -> None:
        self._connection = connection
        self._notify_stored = notify_stored
        """PostgreSQL channel to NOTIFY (with the transaction) when new messages are stored."""

    async def add_inbound(
        self, messages: Sequence[tuple[str, InboundMessage]], *, stored_at: datetime
    ) -> Sequence[PendingInbound]:
        """Store (id, message) pairs in one statement; return only the new ones, in order."""
        if not messages:
            return []
        rows = [inbound_values(mid, m, stored_at) for mid, m in messages]
        with wrap_db_errors(entity="message", entity_id=messages[0][0]):
            result = await _INSERT_INBOUND.execute(self._connection(), rows, stored_at=stored_at)
            new = set(result.scalars())
            if new and self._notify_stored is not None:  # delivered on commit: workers wake
                await self._connection().execute(_NOTIFY, {"channel": self._notify_stored})
        return [
            PendingInbound(id=mid, message=m, stored_at=stored_at)
            for mid, m in messages
            if mid in new
        ]

    async def unprocessed(self, *, stored_before: datetime, limit: int) -> Sequence[PendingInbound]:
        """Inbound messages not yet handled, stored before *stored_before*, oldest first."""
        result = await self._connection().execute(
            _UNPROCESSED, {"before": stored_before, "limit": limit}
        )
        return [pending_from_row(row) for row in result.mappings()]

    async def claim_unprocessed(
        self, *, now: datetime, lease_until: datetime, limit: int
    ) -> Sequence[PendingInbound]:
        """Lease the oldest free messages of unleased chats in one UPDATE (see `gate_claim`)."""
        conn = self._connection()
        if conn.dialect.name == "postgresql":
            await conn.execute(CLAIM_LOCK)
        result = await conn.execute(
            CLAIM_UNPROCESSED, {"now": now, "until": lease_until, "limit": limit}
        )
        rows = sorted(result.mappings(), key=lambda r: (r["stored_at"], r["sent_at"], r["id"]))
        return [pending_from_row(row) for row in rows]

    async def mark_processed(self, handled: Mapping[str, str], *, at: datetime) -> None:
        """Stamp the messages processed and attach them to their conversations, in one UPDATE."""
        if not handled:
            return
        await _MARK_PROCESSED.execute(self._connection(), handled, at=at)

    async def add_outbound(self, messages: Sequence[StoredMessage]) -> int:
        """Store replies in one statement, skipping known job keys; count the new ones."""
        if not messages:
            return 0
        rows = [outbound_values(m) for m in messages]
        with wrap_db_errors(entity="message", entity_id=messages[0].id):
            return len((await _INSERT_OUTBOUND.execute(self._connection(), rows)).all())

    async def for_conversation(
        self, conversation_id: str, *, limit: int
    ) -> Sequence[StoredMessage]:
        """The last *limit* messages, oldest first; outbound ones with their job's live status."""
        result = await self._connection().execute(
            _LAST_MESSAGES, {"conversation_id": conversation_id, "limit": limit}
        )
        return [stored_message_from_row(row) for row in reversed(result.mappings().all())]

    async def outbound_by_job_key(self, job_key: str) -> StoredMessage | None:
        """The message with *job_key* (unique), with its job's live status; None if unknown."""
        result = await self._connection().execute(_BY_JOB_KEY, {"job_key": job_key})
        row = result.mappings().first()
        return stored_message_from_row(row) if row is not None else None

    async def last_inbound_at(self, conversation_id: str) -> datetime | None:
        """MAX(sent_at) of its inbound messages (the (conversation_id, sent_at) index)."""
        result = await self._connection().execute(
            select(func.max(_msg.sent_at)).where(
                _msg.conversation_id == conversation_id,
                _msg.direction == Direction.INBOUND.value,
            )
        )
        last: datetime | None = result.scalar_one()
        return last

    async def record_receipts(self, updates: Sequence[StatusUpdate]) -> Sequence[StatusUpdate]:
        """Upsert receipts in one statement, never lowering a rank; the receipts that moved one."""
        latest = {(u.channel.value, u.provider_message_id): u for u in _latest(updates)}
        if not latest:
            return []
        rows = [receipt_values(u) for u in latest.values()]
        with wrap_db_errors(entity="receipt", entity_id=updates[0].provider_message_id):
            changed: Sequence[Any] = (
                await _UPSERT_RECEIPTS.execute(self._connection(), rows)
            ).all()
        return [latest[(channel, pid)] for channel, pid in changed]

    async def outbound_refs(
        self,
        *,
        job_keys: Sequence[str] = (),
        provider_ids: Sequence[tuple[Channel, str]] = (),
    ) -> Sequence[OutboundRef]:
        """Messages joined to their jobs by job key; by key, or by the jobs' provider ids."""
        wanted = set(provider_ids)
        found: list[OutboundRef] = []
        conn = self._connection()
        for chunk in _chunks(sorted(set(job_keys))):
            result = await conn.execute(_REFS_BY_KEY, {"keys": chunk})
            found.extend(_ref(row) for row in result)
        for chunk in _chunks(sorted({pid for _, pid in wanted})):
            result = await conn.execute(_REFS_BY_PROVIDER_ID, {"ids": chunk})
            found.extend(
                ref
                for ref in map(_ref, result)
                if (ref.channel, ref.provider_message_id or "") in wanted
            )
        return found
