"""`lia handoff list` in-process: the ledger newest first, the filters, the table, refusals."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from lia_core.domain.tickets import Priority, SupportLevel
from lia_core.handoff import HandoffReason, Intent
from lia_core.handoff.session import HandoffEntry

from .cli_harness import NOW, CliHarness


def _ledger(lia: CliHarness) -> None:
    """Two handoffs: a cancellation at NOW (accepted by ana), a bill an hour later."""
    entries = [
        HandoffEntry(
            id="h-1",
            conversation_id="c-1",
            reason=HandoffReason.CRITICAL_INTENT,
            department="cancellation",
            level=SupportLevel.N2,
            priority=Priority.HIGH,
            intent=Intent.CANCELLATION,
            at=NOW,
            accepted_by="ana",
            accepted_at=NOW + timedelta(minutes=3),
        ),
        HandoffEntry(
            id="h-2",
            conversation_id="c-2",
            reason=HandoffReason.CLEAR_INTENT,
            department="financial",
            level=SupportLevel.N1,
            priority=Priority.MEDIUM,
            intent=Intent.FINANCIAL,
            at=NOW + timedelta(hours=1),
        ),
    ]

    async def add() -> None:
        async with lia.store.unit_of_work() as uow:
            await uow.handoffs.add_many(entries)
            await uow.commit()

    asyncio.run(add())


def test_the_ledger_newest_first_with_filters(lia: CliHarness) -> None:
    """--json lists newest first; --reason, --since and --limit narrow it."""
    _ledger(lia)
    lia.clock.advance(hours=2)
    items = lia.json("handoff", "list")["items"]
    assert [(e["id"], e["reason"], e["department"], e["accepted_by"]) for e in items] == [
        ("h-2", "clear_intent", "financial", None),
        ("h-1", "critical_intent", "cancellation", "ana"),
    ]
    assert items[1]["at"] == "2026-05-20T09:00:00-03:00"
    assert items[1]["accepted_at"] == "2026-05-20T09:03:00-03:00"

    def ids(*args: str) -> list[str]:
        return [e["id"] for e in lia.json("handoff", "list", *args)["items"]]

    assert ids("--reason", "critical_intent") == ["h-1"]
    assert ids("--since", "90m") == ["h-2"]
    assert ids("--since", "2026-05-20T09:30") == ["h-2"]
    assert ids("--limit", "1") == ["h-2"]
    assert ids("--reason", "out_of_hours") == []


def test_the_table_shows_reason_department_and_who_accepted(lia: CliHarness) -> None:
    """Without --json: one row per handoff with its local time; nothing found says so."""
    _ledger(lia)
    header, newest, oldest = lia.ok("handoff", "list").stdout.splitlines()
    assert header.split()[:4] == ["AT", "REASON", "DEPARTMENT", "PRIORITY"]
    assert newest.split()[3:6] == ["clear_intent", "financial", "medium"]
    assert "ana" in oldest.split()
    assert lia.ok("handoff", "list", "--reason", "language").stdout == "no handoffs match\n"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--reason", "because"), "reason"),
        (("--since", "ontem"), "since"),
        (("--limit", "0"), "limit"),
    ],
)
def test_bad_filters_are_one_line_and_exit_2(
    lia: CliHarness, args: tuple[str, ...], field: str
) -> None:
    """A filter that cannot be read: one line naming it, exit 2, no traceback."""
    refused = lia("handoff", "list", *args)
    assert refused.exit_code == 2, refused.stderr
    assert field in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "Traceback" not in refused.stderr
