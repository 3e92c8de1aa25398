"""The gate workers' claim: one statement that leases stored messages to one worker.

``UPDATE messages SET gate_lease_until = :until WHERE id IN (<candidates>) AND <still
free> RETURNING *``, the candidates being the oldest unprocessed inbound messages (the
``ix_messages_unprocessed`` partial index) that are not leased, or whose lease ended, and
whose chat has no message under a live lease (``NOT EXISTS``): one worker per chat at a
time, so a conversation's messages are gated in the order they were stored.

- PostgreSQL: the claim first takes a transaction-level advisory lock, so claims run one
  after the other (each is one short statement) and each one's snapshot, taken after the
  lock, sees every lease committed before it: the ``NOT EXISTS`` cannot miss a chat
  another worker is leasing at the same moment, which row locks (``SKIP LOCKED``) alone
  would allow. The repeated "still free" conditions drop a row a gate's write changed
  since the snapshot (re-checked on the new row version).
- SQLite: a single writer, and an UPDATE takes the write lock before it evaluates its
  subquery (see `lia_adapters.sql.delivery.claim`): the same guarantee with no lock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Update, and_, bindparam, exists, literal, or_, select, text, update

from lia_adapters.sql.column_types import UtcDateTime
from lia_adapters.sql.conversations.tables import UNPROCESSED, messages

__all__ = ["CLAIM_LOCK", "CLAIM_UNPROCESSED"]

CLAIM_LOCK = text("SELECT pg_advisory_xact_lock(7631225490913051)")
"""PostgreSQL: serialises the claims of every gate worker (released at commit)."""

_msg = messages.c
_held = messages.alias("held")
_now = bindparam("now", type_=UtcDateTime)


def _free(lease: Any) -> Any:
    return or_(lease.is_(None), lease <= _now)


def _statement() -> Update:
    held = _held.c
    chat_leased = exists().where(
        held.processed_at.is_(None),
        held.direction == literal("inbound", literal_execute=True),
        held.gate_lease_until > _now,
        held.channel == _msg.channel,
        held.reply_to == _msg.reply_to,
    )
    candidates = (
        select(_msg.id)
        .where(text(UNPROCESSED), _free(_msg.gate_lease_until), ~chat_leased)
        .order_by(_msg.stored_at, _msg.sent_at, _msg.id)
        .limit(bindparam("limit"))
    )
    return (
        update(messages)
        .where(
            and_(
                _msg.id.in_(candidates.scalar_subquery()),
                _msg.processed_at.is_(None),
                _free(_msg.gate_lease_until),
            )
        )
        .values(gate_lease_until=bindparam("until", type_=UtcDateTime))
        .returning(*messages.c)
    )


CLAIM_UNPROCESSED = _statement()
"""Binds ``now``, ``until`` and ``limit``; returns the leased rows in no particular order."""
