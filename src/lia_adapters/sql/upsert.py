"""INSERT … ON CONFLICT for PostgreSQL and SQLite: skip or replace rows by a unique key."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence

from sqlalchemy import JSON, ColumnElement, Table, bindparam, cast, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["ROWS_PER_STATEMENT", "insert_ignoring_duplicates", "insert_or_replace"]

ROWS_PER_STATEMENT = 500
"""Rows per multi-row INSERT on SQLite: 500 rows of the widest table (21 columns) stay far
below its 32,766 bound parameters."""

ROWS_PER_ARRAY_STATEMENT = 10_000
"""Rows per PostgreSQL INSERT … SELECT FROM unnest(arrays): one parameter per column."""

_json_text = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def _insert(conn: AsyncConnection, table: Table) -> postgresql.Insert | sqlite.Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no ON CONFLICT support for {conn.dialect.name}")


def _column_array(
    table: Table, name: str, rows: Sequence[Mapping[str, object]]
) -> ColumnElement[object]:
    column = table.c[name]
    values = [row[name] for row in rows]
    if isinstance(column.type, JSON):
        # Sent as text[] and cast back: a JSON list would read as another array dimension.
        keep_null = column.type.none_as_null
        texts = [None if v is None and keep_null else _json_text(v) for v in values]
        return bindparam(f"{name}_values", texts, type_=postgresql.ARRAY(postgresql.TEXT()))
    return bindparam(f"{name}_values", values, type_=postgresql.ARRAY(column.type))


def _unnest_insert(table: Table, rows: Sequence[Mapping[str, object]]) -> postgresql.Insert:
    """``INSERT INTO table (cols) SELECT … FROM unnest(:col1_values, …)``: one bind per column.

    A VALUES list of thousands of bound parameters costs more to build and parse than to
    execute; one array per column keeps the statement text short and cached. A column with
    the same value in every row (most of a broadcast's columns) is bound once as a scalar:
    dumping arrays element by element was most of the CPU of a 100,000-row broadcast.
    """
    names = list(rows[0])
    varying = [n for n in names if any(row[n] != rows[0][n] for row in rows)] or names[:1]
    arrays = [_column_array(table, name, rows) for name in varying]
    source = func.unnest(*arrays).table_valued(*varying).render_derived()
    selected: list[ColumnElement[object]] = []
    for name in names:
        column_type = table.c[name].type
        if name not in varying:
            value = rows[0][name]
            selected.append(bindparam(f"{name}_value", value, type_=column_type))
        elif isinstance(column_type, JSON):
            selected.append(cast(source.c[name], column_type))
        else:
            selected.append(source.c[name])
    return postgresql.insert(table).from_select(names, select(*selected))


async def insert_ignoring_duplicates(
    conn: AsyncConnection,
    table: Table,
    rows: Sequence[Mapping[str, object]],
    *,
    unique: Sequence[str],
) -> int:
    """Insert *rows*, skipping those whose *unique* columns match a stored (or earlier) row.

    Each chunk is one ``INSERT … ON CONFLICT (unique) DO NOTHING RETURNING`` statement: on
    PostgreSQL ``SELECT FROM unnest`` of one array per column, on SQLite a VALUES list of
    `ROWS_PER_STATEMENT` rows (SQLAlchemy's "insertmanyvalues" batching of one cached
    statement). The database decides, so concurrent writers never both insert a key.
    Returns how many rows were inserted (RETURNING yields only those).
    """
    if not rows:
        return 0
    if conn.dialect.name != "postgresql":
        statement = (
            _insert(conn, table)
            .on_conflict_do_nothing(index_elements=unique)
            .returning(table.c[unique[0]])
            .execution_options(insertmanyvalues_page_size=ROWS_PER_STATEMENT)
        )
        return len((await conn.execute(statement, list(rows))).all())
    inserted = 0
    for start in range(0, len(rows), ROWS_PER_ARRAY_STATEMENT):
        chunk = rows[start : start + ROWS_PER_ARRAY_STATEMENT]
        statement = (
            _unnest_insert(table, chunk)
            .on_conflict_do_nothing(index_elements=unique)
            .returning(table.c[unique[0]])
        )
        inserted += len((await conn.execute(statement)).all())
    return inserted


async def insert_or_replace(
    conn: AsyncConnection, table: Table, row: Mapping[str, object], *, unique: Sequence[str]
) -> None:
    """Insert *row*, or overwrite the other columns of the row with the same *unique* columns."""
    statement = _insert(conn, table).values(row)
    replaced = {name: statement.excluded[name] for name in row if name not in unique}
    await conn.execute(statement.on_conflict_do_update(index_elements=unique, set_=replaced))
