"""Many rows in one statement with one bound parameter per column, built once per dialect.

PostgreSQL reads rows from ``unnest(:a_values, :b_values, …) AS v(a, b, …)``: the statement
text stays short and identical whatever the batch size, so it is compiled once by
SQLAlchemy and prepared once by psycopg. SQLite reads a mapping from ``json_each(:doc)``
(``key``, ``value``), or takes a multi-row VALUES list through SQLAlchemy's executemany.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import TypeVar

from sqlalchemy import (
    JSON,
    ColumnElement,
    String,
    Table,
    TableValuedAlias,
    any_,
    bindparam,
    cast,
    func,
)
from sqlalchemy.dialects import postgresql

__all__ = [
    "any_of",
    "array_params",
    "chunks",
    "json_mapping",
    "json_text",
    "key_value_unnest",
    "mapping_arrays",
    "unnest_columns",
    "unnest_rows",
]

T = TypeVar("T")

json_text = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
"""JSON as the engine writes it (accents kept readable)."""


def _array_name(name: str) -> str:
    return f"{name}_values"


def unnest_rows(table: Table, names: Sequence[str]) -> TableValuedAlias:
    """``unnest(:<name>_values, …) AS v(<name>, …)`` over *table*'s column types.

    JSON columns travel as text[] (a JSON list would read as another array dimension);
    `unnest_columns` casts them back.
    """
    arrays = []
    for name in names:
        column_type = table.c[name].type
        item = postgresql.TEXT() if isinstance(column_type, JSON) else column_type
        arrays.append(bindparam(_array_name(name), type_=postgresql.ARRAY(item)))
    return func.unnest(*arrays).table_valued(*names).render_derived(name="v")


def unnest_columns(
    table: Table, source: TableValuedAlias, names: Sequence[str]
) -> dict[str, ColumnElement[object]]:
    """The columns of an `unnest_rows` source by name, JSON ones cast back to JSON."""
    columns: dict[str, ColumnElement[object]] = {}
    for name in names:
        column_type = table.c[name].type
        columns[name] = (
            cast(source.c[name], column_type) if isinstance(column_type, JSON) else source.c[name]
        )
    return columns


def array_params(
    table: Table, names: Sequence[str], rows: Sequence[Mapping[str, object]]
) -> dict[str, list[object]]:
    """The parameters of an `unnest_rows` source: one list per column."""
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


def mapping_arrays(values: Mapping[str, str]) -> dict[str, list[str]]:
    """The parameters of ``unnest(:key_values, :value_values) AS v(key, value)``."""
    return {_array_name("key"): list(values), _array_name("value"): list(values.values())}


def key_value_unnest() -> TableValuedAlias:
    """``unnest(:key_values, :value_values) AS v(key, value)``: a str → str mapping as rows."""
    arrays = [
        bindparam(_array_name(name), type_=postgresql.ARRAY(String())) for name in ("key", "value")
    ]
    return func.unnest(*arrays).table_valued("key", "value").render_derived(name="v")


def json_mapping() -> TableValuedAlias:
    """SQLite's ``json_each(:doc) AS v``: a JSON object's entries as (key, value) rows."""
    return func.json_each(bindparam("doc", type_=String())).table_valued("key", "value").alias("v")


def any_of(column: ColumnElement[str], name: str, dialect: str) -> ColumnElement[bool]:
    """*column* among the list bound as *name*: ``= ANY(:name)`` on PostgreSQL (one statement
    text for any length), an expanding ``IN`` elsewhere."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(String())))
    return column.in_(bindparam(name, expanding=True))


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """*items* in slices of at most *size* (SQLite binds at most 32,766 parameters)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
