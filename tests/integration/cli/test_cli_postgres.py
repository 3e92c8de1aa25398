"""`lia` end to end on PostgreSQL (a fresh schema per test), in-process: the done-when flow's
real-script run is on SQLite (test_cli_sqlite.py), the ticket flow's on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from .lia_inprocess import LiaInProcess
from .lia_process import clean_environment, error_lines, outage_flow


@pytest.fixture
def lia_postgres(postgres_url: str, tmp_path: Path) -> LiaInProcess:
    """`lia` in-process on an empty PostgreSQL schema."""
    env = clean_environment(
        LIA_DATABASE_URL=postgres_url,
        LIA_DATA_DIR=str(tmp_path / "var"),
        LIA_ACTOR="integration",
        LIA_LOG_FORMAT="json",
    )
    return LiaInProcess(env=env, cwd=tmp_path)


@pytest.mark.postgres
def test_outdated_schema_is_refused_until_db_upgrade(lia_postgres: LiaInProcess) -> None:
    """PostgreSQL is never migrated implicitly: commands exit 1 pointing at `lia db upgrade`."""
    refused = lia_postgres("failure", "list")
    assert refused.returncode == 1
    [line] = error_lines(refused.stderr)
    assert line.startswith("error: the database has no LIA schema yet")
    assert line.endswith("run `lia db upgrade`")
    assert lia_postgres.json("db", "current")["up_to_date"] is False

    upgraded = lia_postgres.ok("db", "upgrade").stdout
    assert "upgraded from (empty) to" in upgraded
    assert lia_postgres.json("db", "current")["up_to_date"] is True


@pytest.mark.postgres
def test_outage_flow_on_postgres(lia_postgres: LiaInProcess) -> None:
    """After `db upgrade`, the done-when flow runs on PostgreSQL."""
    lia_postgres.ok("db", "upgrade")
    tomorrow = datetime.now(ZoneInfo("America/Sao_Paulo")) + timedelta(days=1)
    failure_id = outage_flow(lia_postgres, starts_at=tomorrow.strftime("%Y-%m-%dT%H:%M"))
    assert lia_postgres.json("failure", "show", failure_id)["status"] == "resolved"
    duplicate = lia_postgres(
        "user", "create", "--username", "alice", "--role", "AGENT", "--password", "another-pass"
    )
    assert duplicate.returncode == 1
    assert error_lines(duplicate.stderr) == ["error: user 'alice' already exists"]


def test_unknown_host_is_one_line_exit_1(tmp_path: Path) -> None:
    """A database host that does not resolve gives exit 1 and one `error:` line."""
    env = clean_environment(LIA_DATABASE_URL="postgresql+psycopg://lia@db.invalid/lia")
    done = LiaInProcess(env=env, cwd=tmp_path)("db", "current")
    assert done.returncode == 1
    [line] = error_lines(done.stderr)
    assert line.startswith("error: cannot use the database at postgresql+psycopg://lia@db.invalid")
