"""The DlqAuditRepository contract on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from lia_core.ports import ReprocessAudit, UnitOfWorkFactory
from tests.contract.builders.delivery import T0


async def test_audit_entries_round_trip_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    """Audit entries come back equal, newest first (action id breaks ties), up to the limit."""

    def entry(action_id: str, at: datetime, *, dry_run: bool = False) -> ReprocessAudit:
        return ReprocessAudit(
            action_id=action_id,
            actor="ana.souza",
            at=at,
            filters={"job_name": "send-sms", "since": "2026-03-10T00:00:00+00:00"},
            dry_run=dry_run,
            matched=12,
            requeued=10,
            skipped=2,
            sample_ids=("j-1", "j-2"),
        )

    entries = [
        entry("a-1", T0),
        entry("a-3", T0 + timedelta(hours=1), dry_run=True),
        entry("a-2", T0 + timedelta(hours=1)),
    ]
    async with uow_factory() as uow:
        for item in entries:
            await uow.dlq_audit.add(item)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.dlq_audit.add(entry("discarded", T0 + timedelta(days=1)))  # never committed

    async with uow_factory() as uow:
        listed = await uow.dlq_audit.list()
        assert [e.action_id for e in listed] == ["a-3", "a-2", "a-1"]
        assert listed[0] == entries[1]
        assert [e.action_id for e in await uow.dlq_audit.list(limit=1)] == ["a-3"]
