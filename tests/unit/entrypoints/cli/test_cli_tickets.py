"""`lia ticket …` in-process: open, list with filters, show with both clocks, every command,
refusals (exit 1, one line) and missing reasons (exit 2, one line)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lia_core.domain.tickets import Priority, Severity, SupportLevel, TicketStatus
from lia_core.sla.readings import SlaState
from lia_entrypoints.cli._ticket_text import ticket_table
from lia_entrypoints.schemas.tickets import TicketListOut, TicketSummaryOut

from .cli_harness import CliHarness

PHONE = "+55 21 99999-8888"


def _open(lia: CliHarness, *extra: str) -> dict[str, Any]:
    doc: dict[str, Any] = lia.json(
        "ticket", "open", "--phone", PHONE, "--subject", "Sem sinal", *extra
    )
    return doc


def _one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_open_then_show_reads_both_clocks(lia: CliHarness) -> None:
    """A ticket opened by hand is shown with its timeline and both clocks (elapsed, due,
    fraction, state), read again at each show."""
    ticket = _open(lia, "--priority", "high", "--department", "financial")
    assert ticket["level"] == "N1"
    assert ticket["priority"] == "high"
    assert ticket["department"] == "financial"
    assert ticket["contact"] == "5521999998888"
    assert ticket["timeline"][0]["kind"] == "created"
    assert ticket["timeline"][0]["by"] == "tester"

    before = lia.json("ticket", "show", ticket["id"])
    lia.clock.advance(minutes=20)
    after = lia.json("ticket", "show", ticket["id"])
    readings = [
        (b, a)
        for b, a in (
            (before["sla"]["first_response"], after["sla"]["first_response"]),
            (before["sla"]["resolution"], after["sla"]["resolution"]),
        )
        if b["no_clock"] is None
    ]
    assert readings, before["sla"]
    for b, a in readings:
        assert {"elapsed_seconds", "due_at", "fraction", "state"} <= a.keys()
        assert a["due_at"] == b["due_at"]
        assert a["elapsed_seconds"] >= b["elapsed_seconds"]

    text = lia.ok("ticket", "show", ticket["id"]).stdout
    assert "First response" in text
    assert "Resolution" in text
    assert "Timeline:" in text
    assert "created" in text


def test_escalate_to_n3_then_refused_in_one_line(lia: CliHarness) -> None:
    """Escalating steps N1 → N2 → N3 with the reason recorded; past N3 is exit 1 with the reason."""
    ticket_id = _open(lia)["id"]
    out = lia.ok("ticket", "escalate", ticket_id, "--reason", "precisa de técnico").stdout
    assert f"ticket {ticket_id} escalated" in out
    doc = lia.json("ticket", "escalate", ticket_id, "--to", "N3", "--reason", "rede core")
    assert doc["level"] == "N3"
    assert doc["escalation_reason"] == "rede core"
    escalations = [e for e in doc["timeline"] if e["kind"] == "escalated"]
    assert [e["data"]["to"] for e in escalations] == ["N2", "N3"]
    assert escalations[0]["reason"] == "precisa de técnico"

    refused = lia("ticket", "escalate", ticket_id, "--reason", "mais alto")
    assert refused.exit_code == 1
    assert "already at N3" in _one_error_line(refused.stderr)
    as_json = lia("ticket", "escalate", ticket_id, "--reason", "mais alto", "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["error"]["exit_code"] == 1


@pytest.mark.parametrize(
    "command",
    [
        ("escalate",),
        ("deescalate",),
        ("reopen",),
        ("priority", "HIGH"),
        ("reassign", "--department", "financial"),
    ],
)
def test_missing_reason_is_exit_2_in_one_line(lia: CliHarness, command: tuple[str, ...]) -> None:
    """Every command that needs a reason refuses to run without one: exit 2, one line."""
    ticket_id = _open(lia)["id"]
    name, *rest = command
    result = lia("ticket", name, ticket_id, *rest)
    assert result.exit_code == 2, result.stderr
    assert _one_error_line(result.stderr) == "error: --reason: a reason is required"


def test_blank_reason_is_refused_by_the_core(lia: CliHarness) -> None:
    """A reason of spaces is no reason: exit 2 naming --reason."""
    ticket_id = _open(lia)["id"]
    result = lia("ticket", "escalate", ticket_id, "--reason", "   ")
    assert result.exit_code == 2
    assert _one_error_line(result.stderr).startswith("error: --reason:")


def test_wait_unwait_resolve_reopen_and_note(lia: CliHarness) -> None:
    """The status follows the commands, and a note is allowed even once resolved."""
    ticket_id = _open(lia)["id"]
    assert lia.json("ticket", "wait", ticket_id)["status"] == "waiting_customer"
    waiting = lia.json("ticket", "show", ticket_id)["sla"]
    assert all(
        clock["paused"]
        for clock in (waiting["first_response"], waiting["resolution"])
        if clock["no_clock"] is None
    )
    assert lia.json("ticket", "unwait", ticket_id)["status"] == "open"
    resolved = lia.json("ticket", "resolve", ticket_id, "--reason", "trocado o roteador")
    assert resolved["status"] == "resolved"
    noted = lia.json("ticket", "note", ticket_id, "cliente confirmou por telefone")
    assert noted["timeline"][-1]["kind"] == "private_note"
    assert noted["timeline"][-1]["reason"] == "cliente confirmou por telefone"
    again = lia("ticket", "resolve", ticket_id)
    assert again.exit_code == 1
    assert "resolved" in _one_error_line(again.stderr)
    reopened = lia.json("ticket", "reopen", ticket_id, "--reason", "voltou a cair")
    assert reopened["status"] == "open"
    assert reopened["cycle"] == 1


def test_reassign_and_priority(lia: CliHarness) -> None:
    """Reassign moves department and agent with the reason; the same values again is exit 1."""
    ticket_id = _open(lia)["id"]
    doc = lia.json("ticket", "reassign", ticket_id, "--department", "financial",
                   "--assignee", "bia", "--reason", "cobrança")  # fmt: skip
    assert (doc["department"], doc["assignee"]) == ("financial", "bia")
    same = lia("ticket", "reassign", ticket_id, "--department", "financial", "--reason", "de novo")
    assert same.exit_code == 1
    _one_error_line(same.stderr)
    unassigned = lia.json("ticket", "reassign", ticket_id, "--unassign", "--reason", "férias")
    assert unassigned["assignee"] is None
    raised = lia.json("ticket", "priority", ticket_id, "URGENT", "--reason", "cliente VIP")
    assert raised["priority"] == "urgent"
    changes = [e for e in raised["timeline"] if e["kind"] == "priority_changed"]
    assert changes[-1]["data"]["to"] == "urgent"


def test_list_filters(lia: CliHarness) -> None:
    """Each filter keeps only the tickets it names; the text table lists them."""
    first = _open(lia, "--department", "financial")["id"]
    second = _open(lia, "--priority", "urgent")["id"]
    lia.ok("ticket", "escalate", second, "--reason", "urgente")

    def ids(*filters: str) -> list[str]:
        return [t["id"] for t in lia.json("ticket", "list", *filters)["items"]]

    assert set(ids()) == {first, second}
    assert ids("--level", "N2") == [second]
    assert ids("--priority", "urgent") == [second]
    assert ids("--department", "financial") == [first]
    assert ids("--status", "resolved") == []
    assert set(ids("--sla", "ok")) <= {first, second}
    assert ids("--limit", "1") in ([first], [second])
    table = lia.ok("ticket", "list", "--level", "N2").stdout
    assert table.splitlines()[0].split()[:4] == ["ID", "STATUS", "LEVEL", "PRIORITY"]
    assert second in table
    assert "no tickets" in lia.ok("ticket", "list", "--status", "closed").stdout


def test_unknown_ticket_and_bad_input(lia: CliHarness) -> None:
    """A missing ticket is exit 1; a bad phone or limit is exit 2; all in one line."""
    missing = lia("ticket", "show", "nope")
    assert missing.exit_code == 1
    assert "not found" in _one_error_line(missing.stderr)
    phone = lia("ticket", "open", "--phone", "abc", "--subject", "x")
    assert phone.exit_code == 2
    assert _one_error_line(phone.stderr).startswith("error: --phone:")
    assert lia("ticket", "list", "--limit", "0").exit_code == 2


def test_actor_is_recorded(lia: CliHarness) -> None:
    """--actor names who acted on the timeline."""
    ticket_id = _open(lia)["id"]
    doc = lia.json("ticket", "note", ticket_id, "oi", "--actor", "carla")
    assert doc["timeline"][-1]["by"] == "carla"


def test_the_table_shows_the_nearest_due_time() -> None:
    """The DUE column is the earlier of the two clocks' due times, whichever clock it is."""
    utc = ZoneInfo("UTC")
    early, late = datetime(2026, 5, 20, 13, 0, tzinfo=utc), datetime(2026, 5, 21, 9, 0, tzinfo=utc)
    row = TicketSummaryOut(
        id="t-1", subject="x", department="support", assignee=None, level=SupportLevel.N1,
        priority=Priority.HIGH, severity=Severity.LOW, status=TicketStatus.OPEN, vip=False,
        contact=None, conversation_id=None, failure_id=None, opened_at=early, updated_at=early,
        sla_state=SlaState.OK, first_response_due_at=late, resolution_due_at=early, version=1,
    )  # fmt: skip
    text = ticket_table(TicketListOut(count=1, items=[row]), utc)
    assert "2026-05-20 13:00" in text
    assert "2026-05-21 09:00" not in text
