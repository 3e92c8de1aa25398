"""Alembic environment: runs on the connection handed over by `lia_adapters.sql.migrations`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from lia_adapters.sql.schema import metadata

if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; run `lia db upgrade`")

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "run migrations through lia_adapters.sql.migrations.upgrade(engine), "
        "which passes the connection in config.attributes['connection']"
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite can barely ALTER: batch mode rebuilds the table (copy, drop, rename) instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)

# The caller's connection is already in a transaction, so this does not start or commit one:
# the whole upgrade commits or rolls back together.
with context.begin_transaction():
    context.run_migrations()
