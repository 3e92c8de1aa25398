"""The outbox claim: one statement that leases due jobs of a lane to one worker.

Claiming, per lane (live, then bulk while the batch has room), is one statement that
reads the candidates and leases them:

- PostgreSQL: ``WITH claimable AS MATERIALIZED (<ids>) UPDATE outbox_jobs SET status =
  'sending', lease_owner, lease_expires_at, updated_at WHERE id IN (SELECT id FROM
  claimable) RETURNING *``. The candidates come from two index scans, each ``ORDER BY
  next_attempt_at, id LIMIT n FOR NO KEY UPDATE SKIP LOCKED``: pending jobs due by now
  (partial index ``ix_outbox_jobs_pending_due`` on (lane, next_attempt_at, id) WHERE
  status = 'pending') and sending jobs whose lease expired (``ix_outbox_jobs_sending_lease``
  on lease_expires_at WHERE status = 'sending'); the first n of the two by due time win.
  SKIP LOCKED makes a concurrent claimer pass over rows another one is taking rather than
  wait or take them too; a row another claimer leased and committed since this statement's
  snapshot is re-checked under the lock and dropped, as it is no longer due. MATERIALIZED
  guarantees the locking subquery runs once (a re-scanned one could lock and lease more
  than n rows). Only when a lane has expired leases can a candidate be locked and not
  chosen; it is unlocked at commit, right after.
- SQLite: ``UPDATE outbox_jobs SET ... WHERE id IN (<ids>) RETURNING *`` without the
  locks. SQLite has a single writer and an UPDATE takes the database write lock before it
  evaluates its subquery, so the candidates are read and leased with no other writer in
  between: BEGIN IMMEDIATE semantics for the one statement. If this unit of work wrote
  earlier it already holds that lock; if it did not, it has no older read snapshot open
  (the driver only opens a transaction before a write), so the statement reads the latest
  commit. The statement must start with UPDATE: the driver opens no transaction before
  ``WITH ... UPDATE``, which would then commit on its own.

The status comparisons are rendered as literals (not bound parameters) so that both
planners can prove the partial-index predicates from the query, prepared or not.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Update, literal, select, union_all, update

from lia_adapters.sql.bulk import materialized_in
from lia_adapters.sql.delivery.tables import outbox_jobs
from lia_core.domain.delivery import JobStatus, Lane

__all__ = ["claim_statement", "status_is"]

_jobs = outbox_jobs.c


def status_is(status: JobStatus) -> ColumnElement[bool]:
    """``status = '<status>'`` as a literal, so planners can match partial-index predicates."""
    return _jobs.status == literal(status.value, literal_execute=True)


def _claimable_ids(lane: Lane, now: datetime, limit: int) -> Select[Any]:
    """Ids of the first *limit* due jobs of *lane* by due time (locked, on PostgreSQL)."""
    order = (_jobs.next_attempt_at, _jobs.id)
    pending = (
        select(_jobs.id, _jobs.next_attempt_at)
        .where(status_is(JobStatus.PENDING), _jobs.lane == lane.value)
        .where(_jobs.next_attempt_at <= now)
        .order_by(*order)
        .limit(limit)
        .with_for_update(skip_locked=True, key_share=True)
        .subquery("pending")
    )
    expired = (
        select(_jobs.id, _jobs.next_attempt_at)
        .where(status_is(JobStatus.SENDING), _jobs.lane == lane.value)
        .where(_jobs.lease_expires_at <= now)
        .order_by(*order)
        .limit(limit)
        .with_for_update(skip_locked=True, key_share=True)
        .subquery("expired")
    )
    due = union_all(
        select(pending.c.id, pending.c.next_attempt_at),
        select(expired.c.id, expired.c.next_attempt_at),
    ).subquery("due")
    return select(due.c.id).order_by(due.c.next_attempt_at, due.c.id).limit(limit)


def claim_statement(
    dialect: str, *, lane: Lane, owner: str, now: datetime, lease_seconds: float, limit: int
) -> Update:
    """The statement leasing up to *limit* due jobs of *lane* to *owner* (see the module doc)."""
    ids = _claimable_ids(lane, now, limit)
    chosen = materialized_in(_jobs.id, ids, dialect)
    return (
        update(outbox_jobs)
        .where(chosen)
        .values(
            status=JobStatus.SENDING.value,
            lease_owner=owner,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            updated_at=now,
        )
        .returning(*outbox_jobs.c)
    )
