"""The Alembic history builds, on SQLite and PostgreSQL alike, exactly the schema the code uses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    inspect,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_adapters.sql.column_types import NullableJson, UtcDateTime
from lia_adapters.sql.desk.tables import ticket_clocks
from lia_adapters.sql.migrations import current_revision, downgrade, head_revision, upgrade
from lia_adapters.sql.outages.tables import OUTAGE_CATALOGUE_REVISION, revisions
from lia_adapters.sql.schema import metadata
from lia_core.domain.delivery import Channel
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.recipients import PushToken, load_contact
from tests.contract.builders.delivery import a_failure

INBOUND_TABLES = {"contacts", "conversations", "messages", "message_receipts"}
"""What revision 0003 adds (besides failure_notifications.reply_to)."""


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database of each supported kind."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


def _schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_empty_database_has_no_revision(engine: AsyncEngine) -> None:
    """current_revision() is None before the first upgrade."""
    assert await current_revision(engine) is None


async def test_upgrade_reaches_head(engine: AsyncEngine) -> None:
    """Upgrading an empty database brings it to head_revision() with the counter seeded."""
    await upgrade(engine)

    assert await current_revision(engine) == head_revision()
    async with engine.connect() as conn:
        rows = (await conn.execute(select(revisions.c.name, revisions.c.value))).all()
    assert [tuple(row) for row in rows] == [(OUTAGE_CATALOGUE_REVISION, 0)]


async def test_upgrade_twice_is_a_no_op(engine: AsyncEngine) -> None:
    """A second upgrade changes neither the revision nor the data."""
    await upgrade(engine)
    async with engine.begin() as conn:
        await conn.execute(revisions.update().values(value=41))

    await upgrade(engine)

    assert await current_revision(engine) == head_revision()
    async with engine.connect() as conn:
        assert await conn.scalar(select(revisions.c.value)) == 41


async def test_migrated_schema_matches_the_tables(engine: AsyncEngine) -> None:
    """Autogenerate finds nothing to add: migrations and tables.py describe the same schema."""
    await upgrade(engine)

    async with engine.connect() as conn:
        differences = await conn.run_sync(_schema_differences)
    assert differences == []


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _columns(connection: Connection, table: str) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns(table)}


async def test_upgrade_creates_every_table_of_the_schema(engine: AsyncEngine) -> None:
    """Head has exactly the tables the code declares, plus Alembic's own."""
    await upgrade(engine)

    async with engine.connect() as conn:
        tables = await conn.run_sync(_tables)
    assert tables == set(metadata.tables) | {"alembic_version"}
    assert tables >= INBOUND_TABLES


async def test_downgrade_from_head_and_upgrade_again(engine: AsyncEngine) -> None:
    """Reverting 0003 drops the inbound tables and reply_to; upgrading again restores them."""
    await upgrade(engine)

    await downgrade(engine, "0002")

    assert await current_revision(engine) == "0002"
    async with engine.connect() as conn:
        tables = await conn.run_sync(_tables)
        notice_columns = await conn.run_sync(_columns, "failure_notifications")
    assert not INBOUND_TABLES & tables
    assert "reply_to" not in notice_columns
    assert "recipient" in notice_columns

    await upgrade(engine)

    async with engine.connect() as conn:
        differences = await conn.run_sync(_schema_differences)
    assert differences == []


async def test_downgrade_to_base_drops_every_table(engine: AsyncEngine) -> None:
    """The whole history reverts: only Alembic's version table is left, at no revision."""
    await upgrade(engine)

    await downgrade(engine, "base")

    assert await current_revision(engine) is None
    async with engine.connect() as conn:
        assert await conn.run_sync(_tables) == {"alembic_version"}


TYPED_NOTICES = {
    "(21) 98765-4321": "5521987654321",  # typed with punctuation
    "21987654321": "5521987654321",  # the same contact again, national digits: one row left
    "552133334444": "552133334444",  # canonical landline: kept
    "12025550123": "12025550123",  # canonical US number (the gate's key): not read as Brazilian
    "+1 202 555 0199": "12025550199",
    "5xyz@lid": "5xyz@lid",  # a provider identity
}
"""Recipients stored before revision 0004 → what they are after it."""


async def test_0004_keys_typed_notices_by_canonical_number(engine: AsyncEngine) -> None:
    """Typed recipients become canonical, duplicates of one contact collapse, push tokens stay."""
    await upgrade(engine)
    await downgrade(engine, "0003")  # 0004 is data only; 0005 adds a column notices ignore
    uow_factory = SqlUnitOfWorkFactory(engine)
    at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    async with uow_factory() as uow:
        await uow.failures.add(a_failure("f-1"))
        typed = [(raw, Channel.WHATSAPP) for raw in TYPED_NOTICES]
        stored = [*typed, ("(21) 3333-5555", Channel.PUSH)]  # a token that reads as a number
        await uow.notices.record_many(
            [
                FailureNotice(
                    failure_id="f-1",
                    # the text as recorded before 0004 (typed spellings kept as given)
                    recipient=PushToken(raw) if channel is Channel.PUSH else load_contact(raw),
                    name=f"C{n}",
                    channel=channel,
                    kind=NoticeKind.NOTICE,
                    job_id=f"j-{n}",
                    created_at=at,
                )
                for n, (raw, channel) in enumerate(stored)
            ]
        )
        await uow.commit()

    await upgrade(engine)

    assert await current_revision(engine) == head_revision()
    async with uow_factory() as uow:
        notices = await uow.notices.page("f-1", NoticeKind.NOTICE, after=None, limit=100)
    by_recipient = {(str(n.recipient), n.channel) for n in notices}
    assert by_recipient == {
        *((canonical, Channel.WHATSAPP) for canonical in TYPED_NOTICES.values()),
        ("(21) 3333-5555", Channel.PUSH),
    }
    assert len(notices) == len(by_recipient)


def _tickets_before_0012() -> Table:
    """The columns of `tickets` a test writes at revision 0011 (the index still on the row)."""
    return Table(
        "tickets",
        MetaData(),
        Column("id", String),
        Column("subject", String),
        Column("department", String),
        Column("level", String),
        Column("priority", String),
        Column("severity", String),
        Column("status", String),
        Column("vip", Boolean),
        Column("sla_state", String),
        Column("resolution_due_at", UtcDateTime),
        Column("next_check_at", UtcDateTime),
        Column("opened_at", UtcDateTime),
        Column("updated_at", UtcDateTime),
        Column("version", Integer),
    )


async def test_0012_moves_each_ticket_index_to_its_clock_row(engine: AsyncEngine) -> None:
    """A live ticket's SLA index moves to ticket_clocks as it was; a final ticket's is cleared
    (the monitor takes clock rows by next_check_at alone); downgrading puts it back."""
    await upgrade(engine)
    await downgrade(engine, "0011")
    at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    due = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    row = {
        "subject": "sem internet",
        "department": "support",
        "level": "N1",
        "priority": "medium",
        "severity": "low",
        "vip": False,
        "sla_state": "ok",
        "resolution_due_at": due,
        "next_check_at": due,
        "opened_at": at,
        "updated_at": at,
        "version": 1,
    }
    old = _tickets_before_0012()
    async with engine.begin() as conn:
        await conn.execute(
            old.insert(),
            [
                {**row, "id": "t-live", "status": "open"},
                {**row, "id": "t-done", "status": "resolved"},
            ],
        )
    await upgrade(engine)
    async with engine.connect() as conn:
        found = await conn.execute(
            select(
                ticket_clocks.c.ticket_id, ticket_clocks.c.sla_state, ticket_clocks.c.next_check_at
            )
        )
        clocks = {r.ticket_id: (r.sla_state, r.next_check_at) for r in found}
        columns = await conn.run_sync(
            lambda c: {x["name"] for x in inspect(c).get_columns("tickets")}
        )
    assert clocks == {"t-live": ("ok", due), "t-done": (None, None)}
    assert "next_check_at" not in columns
    await downgrade(engine, "0011")
    async with engine.connect() as conn:
        back = await conn.execute(select(old.c.id, old.c.next_check_at).order_by(old.c.id))
        assert [(r.id, r.next_check_at) for r in back] == [("t-done", None), ("t-live", due)]


async def test_0013_moves_plans_off_the_clock_rows(engine: AsyncEngine) -> None:
    """A clock row's plan is dropped, not carried over: the row comes out unplanned (found by
    the planner's partial index) with its index kept; downgrading leaves it unplanned too."""
    await upgrade(engine)
    await downgrade(engine, "0012")
    at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    due = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    old = _tickets_before_0012()
    clocks = Table(
        "ticket_clocks",
        MetaData(),
        Column("ticket_id", String),
        Column("opened_at", UtcDateTime),
        Column("next_check_at", UtcDateTime),
        Column("plan", NullableJson),
    )
    ticket = {
        "subject": "sem internet",
        "department": "support",
        "level": "N1",
        "priority": "medium",
        "severity": "low",
        "vip": False,
        "opened_at": at,
        "updated_at": at,
        "version": 1,
        "id": "t-live",
        "status": "open",
    }
    async with engine.begin() as conn:
        at_0012 = Table(
            "tickets", MetaData(), *(Column(c.name, c.type) for c in old.c if c.name in ticket)
        )
        await conn.execute(at_0012.insert(), [ticket])
        await conn.execute(
            clocks.insert(),
            [{"ticket_id": "t-live", "opened_at": at, "next_check_at": due, "plan": {"format": 1}}],
        )
    await upgrade(engine)
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(
                    ticket_clocks.c.next_check_at,
                    ticket_clocks.c.plan_step,
                    ticket_clocks.c.plan_seq,
                )
            )
        ).one()
    assert (row.next_check_at, row.plan_step, row.plan_seq) == (due, None, None)
    async with SqlUnitOfWorkFactory(engine)() as uow:
        waiting = await uow.tickets.unplanned(before=due + timedelta(minutes=1), limit=10)
    assert [t.id for t in waiting] == ["t-live"]
    await downgrade(engine, "0012")
    async with engine.connect() as conn:
        back = await conn.execute(select(clocks.c.ticket_id, clocks.c.plan))
        assert [(r.ticket_id, r.plan) for r in back] == [("t-live", None)]
