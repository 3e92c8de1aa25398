"""The gate workers' claim: one statement that leases stored messages to one worker.

``UPDATE messages SET gate_lease_until = :until WHERE id IN (<candidates>) AND <still
free> RETURNING *``. The candidates are the oldest unprocessed inbound messages, walked in
the order of the ``ix_messages_unprocessed`` partial index (stored_at, id) and cut at the
limit, that are not leased (or whose lease ended) and whose chat is not among the chats
under a live lease: ``(channel, reply_to) NOT IN (<leased chats>)``, read from
``ix_messages_gate_leased``, which holds only leased, unprocessed messages. The set is
hashed once per statement, so a claim reads about *limit* rows plus the leased ones,
whatever the backlog (a ``NOT EXISTS`` per candidate made PostgreSQL compare every
candidate with every unprocessed row: minutes for a 20,000-message backlog). One worker
per chat at a time: a conversation's messages are gated in the order they were stored
(messages of one chat stored in the same commit are ordered by the time sent, by the
caller, within a claim).

- PostgreSQL: the claim first takes a transaction-level advisory lock, so claims run one
  after the other (each is one short statement) and each one's snapshot, taken after the
  lock, sees every lease committed before it: the leased chats cannot miss one another
  worker is leasing at the same moment, which row locks (``SKIP LOCKED``) alone would
  allow. The repeated "still free" conditions drop a row a gate's write changed since the
  snapshot (re-checked on the new row version).
- SQLite: a single writer, and an UPDATE takes the write lock before it evaluates its
  subquery (see `lia_adapters.sql.delivery.claim`): the same guarantee with no lock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Update, and_, bindparam, or_, select, text, tuple_, update

from lia_adapters.sql.column_types import UtcDateTime
from lia_adapters.sql.conversations.tables import LEASED, UNPROCESSED, messages

__all__ = ["CLAIM_LOCK", "CLAIM_UNPROCESSED"]

CLAIM_LOCK = text("SELECT pg_advisory_xact_lock(7631225490913051)")
"""PostgreSQL: serialises the claims of every gate worker (released at commit)."""

_msg = messages.c
_now = bindparam("now", type_=UtcDateTime)


def _free(lease: Any) -> Any:
    return or_(lease.is_(None), lease <= _now)


def _statement() -> Update:
    held = messages.alias("held")  # an alias: a subquery on `messages` would be correlated
    leased_chats = select(held.c.channel, held.c.reply_to).where(
        text(" AND ".join(f"held.{part}" for part in LEASED.split(" AND "))),
        held.c.gate_lease_until > _now,
    )
    candidates = (
        select(_msg.id)
        .where(
            text(UNPROCESSED),
            _free(_msg.gate_lease_until),
            tuple_(_msg.channel, _msg.reply_to).not_in(leased_chats),
        )
        .order_by(_msg.stored_at, _msg.id)
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
