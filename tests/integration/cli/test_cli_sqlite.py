"""`lia` end to end on a temporary SQLite database: the real script for the done-when flow and
what only a process shows (exit codes, `serve`, the environment), the rest in-process."""

from __future__ import annotations

import signal
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.log_scan import record_output

from .lia_inprocess import LiaInProcess
from .lia_process import (
    LiaProcess,
    clean_environment,
    error_lines,
    free_port,
    outage_flow,
    wait_for_health,
)

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def _sqlite_env(tmp_path: Path) -> dict[str, str]:
    return clean_environment(
        LIA_DATA_DIR=str(tmp_path / "var"),
        LIA_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'lia.db'}",
        LIA_ACTOR="integration",
        LIA_LOG_FORMAT="json",
    )


@pytest.fixture
def lia_sqlite(tmp_path: Path) -> LiaProcess:
    """The real `lia` script on a fresh SQLite file in a temporary data directory."""
    return LiaProcess(env=_sqlite_env(tmp_path), cwd=tmp_path)


@pytest.fixture
def lia(tmp_path: Path) -> LiaInProcess:
    """`lia` in-process on a fresh SQLite file in a temporary data directory."""
    return LiaInProcess(env=_sqlite_env(tmp_path), cwd=tmp_path)


def _tomorrow_local() -> str:
    return (datetime.now(SAO_PAULO) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.slow
def test_db_upgrade_then_outage_flow(lia_sqlite: LiaProcess) -> None:
    """`db upgrade` migrates a fresh file, then the done-when flow runs through the real script."""
    upgraded = lia_sqlite.json("db", "upgrade")
    assert upgraded["changed"] is True
    assert upgraded["to_revision"] == upgraded["head"]

    starts_at = _tomorrow_local()
    failure_id = outage_flow(lia_sqlite, starts_at=starts_at)
    shown = lia_sqlite.json("failure", "show", failure_id)
    # Activated by hand before its planned start: it started when it was activated.
    assert shown["starts_at"] == shown["activated_at"]
    assert shown["starts_at"] < starts_at
    assert shown["starts_at"].endswith("-03:00")


def test_db_current_before_and_after_a_repeated_upgrade(lia: LiaInProcess) -> None:
    """`db current` tells a fresh file from a migrated one; a second `db upgrade` changes nothing."""
    before = lia.json("db", "current")
    assert before["current"] is None
    assert before["up_to_date"] is False
    assert lia.json("db", "upgrade")["changed"] is True
    again = lia.ok("db", "upgrade").stdout
    assert "already at the latest revision" in again
    assert lia.json("db", "current")["up_to_date"] is True


def test_embedded_database_migrates_itself(tmp_path: Path) -> None:
    """On the default SQLite file, a first command works without `db upgrade`."""
    lia = LiaProcess(env=clean_environment(LIA_DATA_DIR=str(tmp_path / "data")), cwd=tmp_path)
    assert lia.json("failure", "list") == {
        "status": "active",
        "counts": {"active": 0, "scheduled": 0, "resolved": 0, "all": 0},
        "items": [],
    }
    assert (tmp_path / "data" / "lia.db").exists()


def test_worker_once_and_regions(lia: LiaInProcess) -> None:
    """Catalogue regions persist between commands and `worker --once` reports its run."""
    lia.ok("region", "create", "--id", "tere", "--name", "Teresópolis", "--region", "Teresópolis")
    lia.ok("failure", "create", "--name", "Q", "--message", "Oi", "--region-id", "tere")
    assert lia.json("failure", "check", "--city", "TERESOPOLIS")["affected"] is True
    assert lia.json("region", "show", "tere")["summary"] == "Teresópolis"
    assert lia.json("worker", "--once") == {
        "ticks": 1,
        "activated": [],
        "sent": 0,
        "retried": 0,
        "dead": 0,
        "uncertain": 0,
        "gated": 0,
    }


def test_rules_load_the_example_then_a_bad_file(lia: LiaInProcess, tmp_path: Path) -> None:
    """The shipped example loads as is through `lia rules load`; a bad file names its line."""
    example = Path(__file__).parents[3] / "docs" / "examples" / "desk-policy.toml"
    lia.ok("db", "upgrade")
    assert lia.ok("rules", "load", str(example)).stdout == "revision 1 loaded\n"
    bad = tmp_path / "bad.toml"
    bad.write_text('[calendar.hours]\nmonday = "8h"\n')
    refused = lia("rules", "load", str(bad))
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"{bad}:2: bad hours '8h' for monday")
    history = lia.json("rules", "history")["items"]
    assert [(r["revision"], r["loaded_by"]) for r in history] == [(1, "integration")]


def test_config_show_never_prints_the_secret(lia: LiaInProcess) -> None:
    """LIA_JWT_SECRET is masked in `config show`, as text and JSON."""
    lia.env["LIA_JWT_SECRET"] = "super-secret-signing-key"
    text = lia.ok("config", "show")
    assert "super-secret-signing-key" not in text.stdout + text.stderr
    rows = {r["name"]: r["value"] for r in lia.json("config", "show")["settings"]}
    assert rows["LIA_JWT_SECRET"] == "***"


def test_unreachable_database_is_one_line_exit_1(tmp_path: Path) -> None:
    """A database nobody listens on gives exit 1 and one line naming it, password hidden."""
    env = clean_environment(LIA_DATABASE_URL="postgresql+psycopg://lia:pw@127.0.0.1:9/lia")
    done = LiaProcess(env=env, cwd=tmp_path)("failure", "list", timeout=120)
    assert done.returncode == 1
    lines = error_lines(done.stderr)
    assert len(lines) == 1
    assert lines[0].startswith("error: cannot use the database at postgresql+psycopg://lia:***@")
    assert ":pw@" not in done.stderr


def test_serve_answers_health_and_stops_on_sigint(lia_sqlite: LiaProcess) -> None:
    """`lia serve --port` serves /health on the embedded database and exits cleanly on Ctrl-C."""
    port = free_port()
    server = subprocess.Popen(
        [str(lia_sqlite.binary), "serve", "--port", str(port)],
        env=lia_sqlite.env,
        cwd=lia_sqlite.cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status = wait_for_health(port, server)
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    record_output(err, source="lia serve")
    assert status == 200, err
    assert server.returncode == 0, err
    assert f"http://127.0.0.1:{port}" in out
    assert "Traceback" not in err
    # A new install has no user: serve says, once, how to create the first one.
    assert err.count("lia user create --username admin --role ADMIN") == 1
