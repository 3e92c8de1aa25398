"""Migrated-database templates: the migrations run once per test process, each test gets a copy.

Running the 26 migrations costs 0.2-0.4 s on a new SQLite file and 0.7-0.8 s on a new
PostgreSQL schema, and hundreds of tests need a migrated database. So each xdist worker
migrates one SQLite file and one PostgreSQL schema when a test first needs it (session
fixtures in tests/conftest.py); a test's SQLite file is then a copy of that file, and a
test's schema gets the SQL statements the template's migration ran, replayed as one script.
tests/integration/test_db_templates.py proves a copy equals a freshly migrated database.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import time
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import attrs
import psycopg
from psycopg import sql
from sqlalchemy import event
from sqlalchemy.engine import make_url

from lia_adapters.sql import create_engine
from lia_adapters.sql.migrations import upgrade
from lia_adapters.sql.realtime import libpq_conninfo

__all__ = [
    "PostgresTemplate",
    "SqliteTemplate",
    "build_postgres_template",
    "build_sqlite_template",
    "drop_leftover_templates",
    "fresh_schema_url",
    "migrate",
    "schema_of",
]

TEMPLATE_PREFIX = "lia_tpl_"
"""Template schemas are `lia_tpl_<unix time>_<hex>`: the time lets a later run drop leftovers."""

LEFTOVER_AGE = 86_400
"""A template schema older than this (seconds) was left by a crashed run: dropped at start."""

T = TypeVar("T")

_SCHEMA_OPTION = re.compile(r"-csearch_path=([a-z0-9_]+)\Z")


def schema_of(url: str) -> str:
    """The schema a `postgres_url` points at (its ``options=-csearch_path=<schema>``)."""
    options = make_url(url).query.get("options")
    found = _SCHEMA_OPTION.match(options) if isinstance(options, str) else None
    if found is None:
        raise ValueError(f"no -csearch_path=<schema> option in {make_url(url)!r}")
    return found.group(1)


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    # Session fixtures are built lazily, often from inside an async fixture whose event loop
    # is running: the migration gets a loop of its own in another thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def migrate(url: str) -> None:
    """Run every migration on *url* (a real upgrade, not a copy)."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@attrs.frozen
class SqliteTemplate:
    """A SQLite file migrated to head, closed (no -wal or -shm beside it)."""

    path: Path

    def copy_to(self, url: str) -> None:
        """Make the (not yet existing) database file of *url* a migrated one."""
        target = make_url(url).database
        if not target:
            raise ValueError(f"no file in {url!r}")
        shutil.copyfile(self.path, target)


def build_sqlite_template(directory: Path) -> SqliteTemplate:
    """Migrate a new SQLite file in *directory* to head and close it."""
    path = directory / "template.db"
    _run(migrate(f"sqlite+aiosqlite:///{path}"))
    # The last connection's close checkpoints the WAL into the file and deletes it: a copy
    # of the file alone then holds everything.
    leftovers = [p.name for p in directory.iterdir() if p != path]
    if leftovers:
        raise RuntimeError(f"the migrated template was not closed cleanly: {leftovers}")
    return SqliteTemplate(path)


@attrs.frozen
class PostgresTemplate:
    """The SQL the migrations ran on an empty schema, as one script with its literals inlined."""

    script: bytes

    def fill(self, url: str) -> None:
        """Run the migrations' SQL on the empty schema of a `postgres_url`, in one round trip.

        The statements name no schema (the connection's search_path picks it), so replaying
        them builds exactly what `upgrade` builds, without Alembic and SQLAlchemy around them.
        """
        with psycopg.connect(libpq_conninfo(url)) as conn:  # one transaction, committed
            # No parameters: psycopg sends the script as one simple query, all statements.
            conn.execute(self.script)


def drop_leftover_templates(conn: psycopg.Connection[Any]) -> None:
    """Drop the template schemas a crashed run left (older than `LEFTOVER_AGE`), on autocommit."""
    names = conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [f"{TEMPLATE_PREFIX}%"]
    ).fetchall()
    for (name,) in names:
        stamp = name.removeprefix(TEMPLATE_PREFIX).split("_")[0]
        if stamp.isdigit() and int(stamp) < time.time() - LEFTOVER_AGE:
            drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
            with contextlib.suppress(psycopg.Error):  # the other worker dropped it first
                conn.execute(drop)


Executed = tuple[str, Any, bool]
"""A statement the driver ran: its text, its parameters, whether once per parameter set."""


async def _migrate_recording(url: str) -> list[Executed]:
    engine = create_engine(url)
    executed: list[Executed] = []

    def record(*args: Any) -> None:  # before_cursor_execute(conn, cursor, statement, ...)
        _conn, _cursor, statement, parameters, _context, executemany = args
        # The migration lock queues concurrent upgraders of one schema; a copy migrates a
        # new schema of its own, so it would only make both workers' copies wait on each other.
        if not statement.startswith("SELECT pg_advisory_xact_lock("):
            executed.append((statement, parameters, executemany))

    try:
        async with engine.connect():  # the dialect's first-connect queries stay out
            pass
        event.listen(engine.sync_engine, "before_cursor_execute", record)
        await upgrade(engine)
    finally:
        await engine.dispose()
    return executed


def _script(executed: list[Executed], conninfo: str) -> bytes:
    # Literals inlined as psycopg itself would send them: the script needs no parameters.
    # A statement with parameters (even none) has psycopg turn its `%%` into `%`, as here.
    with psycopg.connect(conninfo) as conn:
        cursor = psycopg.ClientCursor(conn)
        parts: list[bytes] = []
        for statement, parameters, executemany in executed:
            for one in parameters if executemany else [parameters]:
                parts.append(cursor.mogrify(statement, one).encode())
    # A newline first: a statement ending in a -- comment still ends at the semicolon.
    return b"".join(part + b"\n;\n" for part in parts)


def build_postgres_template(server_url: str) -> PostgresTemplate:
    """Migrate a template schema to head recording every statement, then drop it."""
    template = f"{TEMPLATE_PREFIX}{int(time.time())}_{uuid.uuid4().hex[:16]}"
    conninfo = libpq_conninfo(server_url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        drop_leftover_templates(conn)
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(template)))
    try:
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={template}"})
        executed = _run(_migrate_recording(url.render_as_string(hide_password=False)))
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(template)))
    return PostgresTemplate(_script(executed, conninfo))


@contextlib.contextmanager
def fresh_schema_url(server_url: str) -> Iterator[str]:
    """A URL whose search_path is a new, empty PostgreSQL schema, dropped on leaving."""
    schema = f"lia_test_{uuid.uuid4().hex[:16]}"
    conninfo = libpq_conninfo(server_url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
