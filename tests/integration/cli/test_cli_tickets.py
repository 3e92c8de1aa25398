"""`lia ticket …` on SQLite (in-process) and PostgreSQL (through the real script): open, escalate
to N3, a refused escalation in one line (exit 1), a missing reason (exit 2), resolve, list."""

from __future__ import annotations

from pathlib import Path

import pytest

from .lia_inprocess import LiaInProcess
from .lia_process import LiaCommands, LiaProcess, clean_environment, error_lines


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return clean_environment(
        LIA_DATABASE_URL=database_url,
        LIA_DATA_DIR=str(tmp_path / "var"),
        LIA_ACTOR="integration",
        LIA_LOG_FORMAT="json",
    )


def ticket_flow(lia: LiaCommands) -> None:
    """The supervisor's walk through one ticket, as a script would drive it."""
    opened = lia.json("ticket", "open", "--phone", "(21) 99999-8888", "--subject", "Sem sinal")
    ticket_id = opened["id"]
    assert opened["timeline"][0]["by"] == "integration"
    lia.ok("ticket", "escalate", ticket_id, "--to", "N3", "--reason", "rede core")
    refused = lia("ticket", "escalate", ticket_id, "--reason", "mais")
    assert refused.returncode == 1
    [line] = error_lines(refused.stderr)
    assert "already at N3" in line
    missing = lia("ticket", "reopen", ticket_id)
    assert missing.returncode == 2
    assert error_lines(missing.stderr) == ["error: --reason: a reason is required"]
    shown = lia.json("ticket", "show", ticket_id)
    assert shown["level"] == "N3"
    assert [e["kind"] for e in shown["timeline"]][:1] == ["created"]
    assert lia.json("ticket", "resolve", ticket_id)["status"] == "resolved"
    listed = lia.json("ticket", "list", "--status", "resolved", "--level", "N3")
    assert [t["id"] for t in listed["items"]] == [ticket_id]
    assert lia.json("ticket", "list", "--sla", "breached")["items"] == []


def test_ticket_flow_on_sqlite(tmp_path: Path) -> None:
    """The ticket commands in-process on a SQLite file (migrated on first use)."""
    env = _env(f"sqlite+aiosqlite:///{tmp_path / 'lia.db'}", tmp_path)
    ticket_flow(LiaInProcess(env=env, cwd=tmp_path))


@pytest.mark.postgres
@pytest.mark.slow
def test_ticket_flow_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    """The ticket commands through the real script on PostgreSQL after `lia db upgrade`."""
    lia = LiaProcess(env=_env(postgres_url, tmp_path), cwd=tmp_path)
    lia.ok("db", "upgrade")
    ticket_flow(lia)
