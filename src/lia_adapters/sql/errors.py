"""Translation of database driver errors into the core's persistence and availability errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc

from lia_core.errors import AlreadyExists, ConcurrencyConflict, DatabaseUnavailable

__all__ = ["database_unavailable", "wrap_db_errors"]

RETRY_AFTER_SECONDS = 5.0
"""What an unavailable database tells callers to wait: a restart or failover takes seconds."""

# PostgreSQL SQLSTATEs.
_PG_UNIQUE_VIOLATION = "23505"
_PG_RETRYABLE = frozenset(
    {
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
        "55P03",  # lock_not_available
    }
)
_PG_UNAVAILABLE_CLASSES = (
    "08",  # connection exception (refused, lost, cannot connect now)
    "53",  # insufficient resources (too many connections, disk full, out of memory)
    "57",  # operator intervention (shutdown, restart, statement_timeout cancelled the query)
    "58",  # system error (I/O error)
)
# SQLite result codes (primary code in the low byte of the extended code).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_UNAVAILABLE = frozenset({10, 13, 14})  # IOERR, FULL, CANTOPEN
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


def _is_unavailable(error: sa_exc.DBAPIError) -> bool:
    if error.connection_invalidated:
        return True
    orig = error.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate.startswith(_PG_UNAVAILABLE_CLASSES)
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _SQLITE_UNAVAILABLE
    # psycopg reports a connection that failed or broke without a SQLSTATE.
    return isinstance(error, sa_exc.OperationalError)


def database_unavailable(error: BaseException) -> DatabaseUnavailable | None:
    """The `DatabaseUnavailable` that *error* amounts to, or None when it is something else.

    Unavailable: the connection was refused, lost or timed out, the pool had no connection
    to give within its timeout, the server is shutting down or out of resources. Not: a
    constraint violation, a syntax error, wrong credentials (a configuration error).
    """
    if isinstance(error, sa_exc.TimeoutError):  # the pool: every connection busy for too long
        return _pool_exhausted()
    if isinstance(error, sa_exc.DBAPIError) and _is_unavailable(error):
        # The driver's words (host, port) stay in the cause, for the log, not for callers.
        return DatabaseUnavailable("the database is unavailable", retry_after=RETRY_AFTER_SECONDS)
    return None


@contextmanager
def wrap_db_errors(*, entity: str, entity_id: str) -> Iterator[None]:
    """Map a unique-key violation to `AlreadyExists`, lock contention to `ConcurrencyConflict`,
    a refused, lost or timed-out connection to `DatabaseUnavailable`.

    Other database errors (a NOT NULL violation) are bugs, not outcomes a use case can
    handle, so they propagate unchanged.
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
        if (unavailable := database_unavailable(error)) is not None:
            raise unavailable from error
        raise
    except sa_exc.TimeoutError as error:
        raise _pool_exhausted() from error


def _pool_exhausted() -> DatabaseUnavailable:
    return DatabaseUnavailable(
        "no database connection became free in time", retry_after=RETRY_AFTER_SECONDS
    )
