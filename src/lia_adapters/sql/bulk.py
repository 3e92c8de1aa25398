"""Everything SQLite and PostgreSQL spell differently, in one place: batches of rows,
upserts, key lists, claims.

A batch is one statement whatever its size. PostgreSQL reads rows from
``unnest(:a_values, :b_values, …) AS v(a, b, …)``: the statement text stays short and
identical whatever the batch size, so it is compiled once by SQLAlchemy and prepared once by
psycopg. SQLite takes a multi-row VALUES list (SQLAlchemy's executemany) or reads a mapping
from ``json_each(:doc)``. A `Batch` or `MappingBatch` holds both forms of one statement,
built once per dialect; repositories never test the dialect themselves.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs
from sqlalchemy import (
    JSON,
    ColumnElement,
    CursorResult,
    Executable,
    Select,
    String,
    Table,
    TableValuedAlias,
    any_,
    bindparam,
    cast,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = [
    "ROWS_PER_STATEMENT",
    "Batch",
    "MappingBatch",
    "Unnest",
    "any_of",
    "chunks",
    "insert_ignoring_duplicates",
    "insert_one",
    "insert_or_replace",
    "json_text",
    "materialized_in",
    "upsert",
]

T = TypeVar("T")
Rows = Sequence[Mapping[str, Any]]

_POSTGRESQL = "postgresql"

ROWS_PER_STATEMENT = 500
"""Rows per multi-row INSERT on SQLite: 500 rows of the widest table (21 columns) stay far
below its 32,766 bound parameters."""

ROWS_PER_ARRAY_STATEMENT = 10_000
"""Rows per PostgreSQL INSERT … SELECT FROM unnest(arrays): one parameter per column."""

json_text = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
"""JSON as the engine writes it (accents kept readable)."""


def _is_postgresql(conn: AsyncConnection) -> bool:
    return conn.dialect.name == _POSTGRESQL


def _array_name(name: str) -> str:
    return f"{name}_values"


def _unbounded(column_type: Any) -> Any:
    """The type a value travels as: a bounded string as plain text, so that PostgreSQL's
    assignment to the column refuses a value too long ("value too long for type character
    varying(255)") where an explicit ``::VARCHAR(255)`` cast would silently cut it."""
    if type(column_type) is String and column_type.length is not None:
        return String()
    return column_type


@attrs.frozen
class Unnest:
    """``unnest(:<name>_values, …) AS v(<name>, …)`` over a table's column types, and its
    columns by name (JSON ones travel as text[], a JSON list would read as another array
    dimension, and are cast back)."""

    source: TableValuedAlias
    columns: dict[str, ColumnElement[Any]]

    @classmethod
    def of(cls, table: Table, names: Sequence[str]) -> Unnest:
        """The unnest source of *names*, typed like *table*'s columns."""
        arrays = []
        for name in names:
            column_type = table.c[name].type
            item = postgresql.TEXT() if isinstance(column_type, JSON) else _unbounded(column_type)
            arrays.append(bindparam(_array_name(name), type_=postgresql.ARRAY(item)))
        source = func.unnest(*arrays).table_valued(*names).render_derived(name="v")
        columns: dict[str, ColumnElement[Any]] = {}
        for name in names:
            column_type = table.c[name].type
            column = source.c[name]
            columns[name] = cast(column, column_type) if isinstance(column_type, JSON) else column
        return cls(source, columns)

    def select(self, *extra: ColumnElement[Any]) -> Select[Any]:
        """``SELECT <every column>, <extra> FROM unnest(…)``."""
        return select(*self.columns.values(), *extra)


def _array_params(table: Table, names: Sequence[str], rows: Rows) -> dict[str, list[object]]:
    params: dict[str, list[object]] = {}
    for name in names:
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            keep_null = column_type.none_as_null
            params[_array_name(name)] = [
                None if row[name] is None and keep_null else json_text(row[name]) for row in rows
            ]
        else:
            params[_array_name(name)] = [row[name] for row in rows]
    return params


@attrs.frozen(eq=False)
class Batch:
    """One statement over a batch of rows in both forms, each built on first use.

    PostgreSQL: *postgresql* builds it over the `Unnest` of *columns*, and the rows are bound
    as one array per column (plus the scalars given to `execute`). SQLite: *sqlite* builds
    it, and the rows (through *sqlite_params*, default: as they are) go to an executemany.
    """

    table: Table
    columns: Sequence[str]
    postgresql: Callable[[Unnest], Executable]
    sqlite: Callable[[], Executable]
    sqlite_params: Callable[[Rows], Any] = list
    _built: dict[str, Executable] = attrs.field(factory=dict, init=False)

    @classmethod
    def insert(
        cls,
        table: Table,
        columns: Sequence[str],
        *,
        on_conflict: Callable[[Any], Executable],
        constant: Mapping[str, ColumnElement[Any]] | None = None,
        computed: Mapping[str, ColumnElement[Any]] | None = None,
        page_size: int | None = None,
    ) -> Batch:
        """``INSERT … ON CONFLICT …`` of rows, *on_conflict* adding the clause to either form.

        *constant*: columns bound once on PostgreSQL, which SQLite rows carry; *computed*:
        SQL expressions for both (``now()``); *page_size*: rows per SQLite VALUES list.
        """
        constant = dict(constant or {})
        computed = dict(computed or {})

        def on_postgresql(rows: Unnest) -> Executable:
            extra = {**constant, **computed}
            source = rows.select(*extra.values())
            return on_conflict(postgresql.insert(table).from_select([*columns, *extra], source))

        def on_sqlite() -> Executable:
            statement = sqlite.insert(table)
            if computed:
                statement = statement.values(computed)
            if page_size is not None:
                statement = statement.execution_options(insertmanyvalues_page_size=page_size)
            return on_conflict(statement)

        return cls(table, columns, on_postgresql, on_sqlite)

    def statement(self, conn: AsyncConnection) -> Executable:
        """The statement for *conn*'s dialect."""
        dialect = conn.dialect.name
        if dialect not in self._built:
            self._built[dialect] = (
                self.postgresql(Unnest.of(self.table, self.columns))
                if dialect == _POSTGRESQL
                else self.sqlite()
            )
        return self._built[dialect]

    async def execute(self, conn: AsyncConnection, rows: Rows, **scalars: Any) -> CursorResult[Any]:
        """Run it over *rows*; *scalars* are bound once on PostgreSQL (SQLite rows hold them)."""
        if _is_postgresql(conn):
            params: Any = {**_array_params(self.table, self.columns, rows), **scalars}
        else:
            params = self.sqlite_params(rows)
        return await conn.execute(self.statement(conn), params)

    async def written(
        self, conn: AsyncConnection, rows: Rows, *, key: str, **scalars: Any
    ) -> set[Any]:
        """The *key* of each row the statement wrote. PostgreSQL: one statement whose
        RETURNING names them; SQLite (in-process, no RETURNING for an executemany): the
        statement row by row, counting."""
        if _is_postgresql(conn):
            return set((await self.execute(conn, rows, **scalars)).scalars())
        statement = self.statement(conn)
        written: set[Any] = set()
        for row, params in zip(rows, self.sqlite_params(rows), strict=True):
            if (await conn.execute(statement, {**params, **scalars})).rowcount:
                written.add(row[key])
        return written


@attrs.frozen(eq=False)
class MappingBatch:
    """One statement over a str → str mapping read as rows ``v(key, value)``: PostgreSQL
    ``unnest(:key_values, :value_values)``, SQLite ``json_each(:doc)``."""

    build: Callable[[TableValuedAlias], Executable]
    _built: dict[str, Executable] = attrs.field(factory=dict, init=False)

    def _statement(self, dialect: str) -> Executable:
        if dialect not in self._built:
            if dialect == _POSTGRESQL:
                arrays = [
                    bindparam(_array_name(name), type_=postgresql.ARRAY(String()))
                    for name in ("key", "value")
                ]
                source = func.unnest(*arrays).table_valued("key", "value").render_derived(name="v")
            else:
                doc = bindparam("doc", type_=String())
                source = func.json_each(doc).table_valued("key", "value").alias("v")
            self._built[dialect] = self.build(source)
        return self._built[dialect]

    async def execute(
        self, conn: AsyncConnection, values: Mapping[str, str], **scalars: Any
    ) -> CursorResult[Any]:
        """Run it over *values* with *scalars* bound as they are."""
        params: dict[str, object] = dict(scalars)
        if _is_postgresql(conn):
            params[_array_name("key")] = list(values)
            params[_array_name("value")] = list(values.values())
        else:
            params["doc"] = json_text(dict(values))
        return await conn.execute(self._statement(conn.dialect.name), params)


def any_of(conn: AsyncConnection, column: ColumnElement[str], name: str) -> ColumnElement[bool]:
    """*column* among the list bound as *name*: ``= ANY(:name)`` on PostgreSQL (one statement
    text for any length), an expanding ``IN`` elsewhere."""
    if _is_postgresql(conn):
        return column == any_(bindparam(name, type_=postgresql.ARRAY(String())))
    return column.in_(bindparam(name, expanding=True))


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """*items* in slices of at most *size* (SQLite binds at most 32,766 parameters)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def materialized_in(
    column: ColumnElement[Any], ids: Select[Any], dialect: str
) -> ColumnElement[bool]:
    """``column IN (ids)``; on PostgreSQL through a ``MATERIALIZED`` CTE, so the ids (and their
    ``FOR UPDATE SKIP LOCKED`` row locks) are computed once, not re-planned into the update."""
    if dialect == _POSTGRESQL:
        chosen = ids.cte("claimable").prefix_with("MATERIALIZED")
        return column.in_(select(chosen.c.id))
    return column.in_(ids)


def upsert(table: Table, dialect: str) -> postgresql.Insert | sqlite.Insert:
    """The dialect's ``INSERT`` that takes ``ON CONFLICT`` clauses."""
    if dialect == _POSTGRESQL:
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no ON CONFLICT support for {dialect}")


async def insert_one(conn: AsyncConnection, table: Table, values: Mapping[str, object]) -> None:
    """Insert one row; a failure leaves the transaction usable.

    A failed statement aborts a PostgreSQL transaction; a savepoint keeps the unit of work
    usable after AlreadyExists, as on SQLite (and in the fake).
    """
    if _is_postgresql(conn):
        async with conn.begin_nested():
            await conn.execute(insert(table), values)
    else:
        await conn.execute(insert(table), values)


def _column_array(
    table: Table, name: str, rows: Sequence[Mapping[str, object]]
) -> ColumnElement[object]:
    column = table.c[name]
    values = [row[name] for row in rows]
    if isinstance(column.type, JSON):
        # Sent as text[] and cast back: a JSON list would read as another array dimension.
        keep_null = column.type.none_as_null
        texts = [None if v is None and keep_null else json_text(v) for v in values]
        return bindparam(f"{name}_values", texts, type_=postgresql.ARRAY(postgresql.TEXT()))
    return bindparam(f"{name}_values", values, type_=postgresql.ARRAY(_unbounded(column.type)))


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
            selected.append(bindparam(f"{name}_value", value, type_=_unbounded(column_type)))
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
    if not _is_postgresql(conn):
        statement = (
            upsert(table, conn.dialect.name)
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
    statement = upsert(table, conn.dialect.name).values(row)
    replaced = {name: statement.excluded[name] for name in row if name not in unique}
    await conn.execute(statement.on_conflict_do_update(index_elements=unique, set_=replaced))
