"""A copy of the migrated template (tests/db_templates.py) is exactly a freshly migrated database.

The fixtures hand tests copies instead of running the migrations per test; these tests run the
real `upgrade` beside a copy and compare everything the catalogs say (tables, columns, types,
defaults, indexes with their WHERE clauses, constraints, triggers, functions, sequences,
table options) and every row, so a copy that lost anything a migration makes fails here.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from lia_adapters.sql.migrations import head_revision
from lia_adapters.sql.realtime import libpq_conninfo
from tests.conftest import migrate_from_template
from tests.db_templates import (
    TEMPLATE_PREFIX,
    drop_leftover_templates,
    fresh_schema_url,
    migrate,
    schema_of,
)

Snapshot = dict[str, list[tuple[Any, ...]]]

_PG_CATALOG = {
    "relations": """
        SELECT c.relname, c.relkind, c.relpersistence, c.reloptions::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s""",
    "columns": """
        SELECT table_name, column_name, ordinal_position, data_type, udt_name,
               character_maximum_length, numeric_precision, datetime_precision, is_nullable,
               column_default, collation_name, is_identity, is_generated, generation_expression
        FROM information_schema.columns WHERE table_schema = %(schema)s""",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema)s",
    "constraints": """
        SELECT c.relname, co.conname, co.contype, co.condeferrable, co.condeferred,
               pg_get_constraintdef(co.oid)
        FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
        LEFT JOIN pg_class c ON c.oid = co.conrelid WHERE n.nspname = %(schema)s""",
    "triggers": """
        SELECT c.relname, t.tgname, t.tgenabled, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND NOT t.tgisinternal""",
    "functions": """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid), p.prokind, p.prosrc
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %(schema)s""",
    "types": """
        SELECT t.typname, t.typtype, e.enumlabel FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE n.nspname = %(schema)s""",
    "sequences": """
        SELECT sequencename, data_type::text, start_value, min_value, max_value, increment_by,
               cycle, cache_size, last_value
        FROM pg_sequences WHERE schemaname = %(schema)s""",
    "views": "SELECT viewname, definition FROM pg_views WHERE schemaname = %(schema)s",
    "comments": """
        SELECT c.relname, d.objsubid, d.description FROM pg_description d
        JOIN pg_class c ON c.oid = d.objoid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s""",
}


def _sorted(rows: list[tuple[Any, ...]], schema: str) -> list[tuple[Any, ...]]:
    # The two schemas' names differ: every mention of one becomes a placeholder.
    named = [tuple(str(v).replace(schema, "<schema>") for v in row) for row in rows]
    return sorted(named)


def postgres_snapshot(url: str) -> Snapshot:
    """Everything PostgreSQL's catalogs say about the schema of *url*, and its tables' rows."""
    schema = schema_of(url)
    with psycopg.connect(libpq_conninfo(url), autocommit=True) as conn:
        found = {
            part: _sorted(conn.execute(query, {"schema": schema}).fetchall(), schema)
            for part, query in _PG_CATALOG.items()
        }
        tables = [name for name, kind, *_ in found["relations"] if kind in {"r", "p"}]
        for table in tables:
            select = sql.SQL("SELECT * FROM {}").format(sql.Identifier(schema, table))
            found[f"rows of {table}"] = _sorted(conn.execute(select).fetchall(), schema)
    return found


def sqlite_snapshot(url: str) -> Snapshot:
    """Everything SQLite's catalog and header say about the file of *url*, and every row."""
    conn = sqlite3.connect(str(make_url(url).database))
    try:
        pragmas = ("user_version", "application_id", "journal_mode", "page_size", "auto_vacuum")
        found: Snapshot = {
            "pragmas": [(p, conn.execute(f"PRAGMA {p}").fetchone()) for p in pragmas],
            "schema": conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            ).fetchall(),
        }
        tables = [name for kind, name, _, _ in found["schema"] if kind == "table"]
        for table in tables:
            found[f"rows of {table}"] = sorted(
                conn.execute(f'SELECT * FROM "{table}"').fetchall(),  # noqa: S608 - catalog names
                key=repr,
            )
    finally:
        conn.close()
    return found


@pytest.fixture
def second_postgres_url(postgres_server_url: str) -> Iterator[str]:
    """Another fresh schema beside `postgres_url`'s, dropped afterwards."""
    with fresh_schema_url(postgres_server_url) as url:
        yield url


def _assert_same(copied: Snapshot, fresh: Snapshot) -> None:
    assert copied.keys() == fresh.keys()
    for part, rows in fresh.items():
        assert copied[part] == rows, part
    assert fresh["rows of alembic_version"] == [(head_revision(),)]


async def test_a_sqlite_copy_is_a_freshly_migrated_file(
    request: pytest.FixtureRequest, sqlite_url: str, tmp_path: Path
) -> None:
    """The copied file has the same catalog, header and rows as one `upgrade` migrates."""
    fresh_url = f"sqlite+aiosqlite:///{tmp_path}/fresh.db"
    await migrate(fresh_url)
    migrate_from_template(request, sqlite_url)
    fresh, copied = sqlite_snapshot(fresh_url), sqlite_snapshot(sqlite_url)
    _assert_same(copied, fresh)
    assert sum(kind == "index" for kind, *_ in fresh["schema"]) > 10
    assert ("journal_mode", ("wal",)) in fresh["pragmas"]

    conn = sqlite3.connect(str(make_url(sqlite_url).database))  # the snapshot sees a change
    with conn:
        conn.execute("DROP INDEX ix_ticket_clocks_unplanned")
        conn.execute("DELETE FROM lia_revisions")
    conn.close()
    changed = sqlite_snapshot(sqlite_url)
    assert changed["schema"] != fresh["schema"]
    assert changed["rows of lia_revisions"] != fresh["rows of lia_revisions"]


@pytest.mark.postgres
async def test_a_postgres_copy_is_a_freshly_migrated_schema(
    request: pytest.FixtureRequest, postgres_url: str, second_postgres_url: str
) -> None:
    """The filled schema has the same catalog entries and rows as one `upgrade` migrates."""
    await migrate(second_postgres_url)
    migrate_from_template(request, postgres_url)
    fresh, copied = postgres_snapshot(second_postgres_url), postgres_snapshot(postgres_url)
    _assert_same(copied, fresh)
    assert any("WHERE" in indexdef for *_, indexdef in fresh["indexes"])  # partial ones too
    assert any("fillfactor=85" in options for *_, options in fresh["relations"])

    with psycopg.connect(libpq_conninfo(postgres_url), autocommit=True) as conn:
        conn.execute("DROP INDEX ix_ticket_clocks_unplanned")
        conn.execute("ALTER TABLE tickets RESET (fillfactor)")
        conn.execute("DELETE FROM lia_revisions")
    changed = postgres_snapshot(postgres_url)
    for part in ("indexes", "relations", "rows of lia_revisions"):
        assert changed[part] != fresh[part], part


@pytest.mark.postgres
def test_template_schemas_a_crashed_run_left_are_dropped(postgres_server_url: str) -> None:
    """A template schema older than a day goes when the next template is built; newer stay."""
    old = f"{TEMPLATE_PREFIX}1_{uuid.uuid4().hex[:16]}"
    recent = f"{TEMPLATE_PREFIX}{int(time.time())}_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(libpq_conninfo(postgres_server_url), autocommit=True) as conn:
        for schema in (old, recent):
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        try:
            drop_leftover_templates(conn)
            left = {
                name
                for (name,) in conn.execute(
                    "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [[old, recent]]
                )
            }
        finally:
            for schema in (old, recent):
                conn.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
                )
    assert left == {recent}
