"""Translation of database driver errors into the core's persistence errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc

from lia_core.errors import AlreadyExists, ConcurrencyConflict

__all__ = ["wrap_db_errors"]

# PostgreSQL SQLSTATEs.
_PG_UNIQUE_VIOLATION = "23505"
_PG_RETRYABLE = frozenset(
    {
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
        "55P03",  # lock_not_available
    }
)
# SQLite result codes (primary code in the low byte of the extended code).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_CONSTRAINT_PRIMARYKEY = 1555
_SQLITE_CONSTRAINT_UNIQUE = 2067


def _is_unique_violation(error: sa_exc.DBAPIError) -> bool:
    orig = error.orig
    if getattr(orig, "sqlstate", None) == _PG_UNIQUE_VIOLATION:
        return True
    code = getattr(orig, "sqlite_errorcode", None)
    return code in (_SQLITE_CONSTRAINT_PRIMARYKEY, _SQLITE_CONSTRAINT_UNIQUE)


def _is_contention(error: sa_exc.DBAPIError) -> bool:
    orig = error.orig
    if getattr(orig, "sqlstate", None) in _PG_RETRYABLE:
        return True
    code = getattr(orig, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)


@contextmanager
def wrap_db_errors(*, entity: str, entity_id: str) -> Iterator[None]:
    """Map a unique-key violation to `AlreadyExists`, lock contention to `ConcurrencyConflict`.

    Other database errors (a NOT NULL violation, a lost connection) are bugs or outages,
    not outcomes a use case can handle, so they propagate unchanged.
    """
    try:
        yield
    except sa_exc.DBAPIError as error:
        if _is_unique_violation(error):
            raise AlreadyExists(entity=entity, entity_id=entity_id) from error
        if _is_contention(error):
            # Another transaction held the rows too long (SQLite busy timeout) or PostgreSQL
            # picked this one as a deadlock victim: the outcome of "reload and retry".
            raise ConcurrencyConflict(entity=entity, entity_id=entity_id) from error
        raise
