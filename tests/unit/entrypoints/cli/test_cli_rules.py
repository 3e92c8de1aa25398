"""`lia rules load|show|history` in-process: revisions, dry runs, and faults by line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from lia_adapters.memory import PlainTextHasher, SequentialIds
from lia_core.desk.commands import OpenTicket
from lia_core.domain.activity import Actor
from lia_core.domain.tickets import Priority
from lia_core.services import Services

from .cli_harness import CliHarness

EXAMPLE = Path(__file__).parents[4] / "docs" / "examples" / "desk-policy.toml"


def test_load_then_show_and_history(lia: CliHarness, tmp_path: Path) -> None:
    """A load stores revision 1 then 2; show prints the latest as stored under its header."""
    assert lia.ok("rules", "load", str(EXAMPLE)).stdout == "revision 1 loaded\n"
    second = tmp_path / "desk.toml"
    second.write_text('[calendar]\ntimezone = "America/Manaus"\n')
    doc = lia.json("rules", "load", str(second))
    assert (doc["stored"], doc["revision"]["revision"], doc["revision"]["loaded_by"]) == (
        True,
        2,
        "tester",
    )
    shown = lia.ok("rules", "show").stdout
    assert shown.startswith(
        f"# revision 2, loaded by tester at 2026-05-20T09:00:00-03:00 from {second}\n"
    )
    assert shown.endswith('timezone = "America/Manaus"\n')
    assert lia.json("rules", "show", "--revision", "1")["source"] == EXAMPLE.read_text()
    assert [r["revision"] for r in lia.json("rules", "history")["items"]] == [2, 1]
    assert "desk.toml" in lia.ok("rules", "history").stdout


def test_dry_run_and_builtin(lia: CliHarness) -> None:
    """A dry run stores nothing; with nothing stored show prints the built-in policy."""
    assert (
        lia.ok("rules", "load", "--dry-run", str(EXAMPLE)).stdout == "valid, not stored (dry run)\n"
    )
    assert lia.store.desk_policies == {}
    shown = lia.json("rules", "show")
    assert (shown["builtin"], shown["revision"]) == (True, None)
    assert lia.ok("rules", "show").stdout.startswith("# built-in desk policy")
    assert "no revisions" in lia.ok("rules", "history").stdout


def test_a_bad_file_prints_every_fault_with_its_line(lia: CliHarness, tmp_path: Path) -> None:
    """Each fault is one FILE:LINE: message line on stderr, exit 2; --json lists them too."""
    bad = tmp_path / "bad.toml"
    bad.write_text('colour = 1\n[calendar]\ntimezone = "X/Y"\n')
    result = lia("rules", "load", str(bad))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{bad}:1", f"{bad}:3"]
    assert "unknown timezone 'X/Y'" in lines[1]
    as_json = lia("rules", "load", str(bad), "--json")
    errors = json.loads(as_json.stdout)["error"]["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(1, "colour"), (3, "calendar.timezone")]
    assert lia.store.desk_policies == {}


def test_refusals_are_one_line(lia: CliHarness, tmp_path: Path) -> None:
    """A missing file or non-UTF-8 file exits 2; an unknown revision exits 1."""
    missing = lia("rules", "load", str(tmp_path / "none.toml"))
    assert missing.exit_code == 2
    assert missing.stderr.count("\n") == 1
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe")
    assert lia("rules", "load", str(binary)).exit_code == 2
    unknown = lia("rules", "show", "--revision", "7")
    assert (unknown.exit_code, unknown.stderr) == (1, "error: desk policy revision '7' not found\n")


def _open_ticket(lia: CliHarness, subject: str) -> str:
    """Open an urgent ticket in the harness's store; its id."""
    services = Services.build(
        uow=lia.store.unit_of_work,
        clock=lia.clock,
        ids=SequentialIds("t"),
        hasher=PlainTextHasher(),
    )
    request = OpenTicket(subject=subject, priority=Priority.URGENT)
    return asyncio.run(services.desk.open(request, Actor(name="ana"))).id


def test_explain_says_which_rules_match_and_why(lia: CliHarness) -> None:
    """explain lists each rule with its conditions and what the rules would do; exit 1 unknown."""
    lia.ok("rules", "load", str(EXAMPLE))
    ticket_id = _open_ticket(lia, "vou no Procon")
    text = lia.ok("rules", "explain", ticket_id).stdout
    assert text.startswith(f"ticket {ticket_id} under revision 1: SLA policy standard")
    assert "[x] regulator-complaint (customer mentions a regulator" in text
    assert (
        "    yes keywords: procon, anatel, reclame aqui, consumidor.gov; ticket: found: procon"
        in text
    )
    assert "[ ] repeat-contacts (third contact in a week)" in text
    doc = lia.json("rules", "explain", ticket_id)
    assert doc["revision"] == 1
    assert {r["rule"]: r["matched"] for r in doc["rules"]}["notify-high-priority"] is True
    missing = lia("rules", "explain", "nope")
    assert (missing.exit_code, missing.stderr) == (1, "error: ticket 'nope' not found\n")
