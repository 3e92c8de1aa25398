"""`lia config`, `lia worker`, help texts and crash handling, in-process."""

from __future__ import annotations

import json

import click
from click.testing import CliRunner

from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.cli import CliApp, main
from lia_entrypoints.settings import Settings

from .cli_harness import CliHarness

SECRET = "do-not-print-this-4f8a"


def test_config_show_masks_secrets(lia: CliHarness) -> None:
    """LIA_JWT_SECRET and a database password never reach stdout, as text or JSON."""
    env = {
        "LIA_JWT_SECRET": SECRET,
        "LIA_DATABASE_URL": f"postgresql+psycopg://lia:{SECRET}@db.local/lia",
    }
    text = lia.ok("config", "show", env=env)
    assert SECRET not in text.stdout + text.stderr
    assert "LIA_JWT_SECRET" in text.stdout
    assert "***" in text.stdout
    rows = {row["name"]: row["value"] for row in lia.json("config", "show", env=env)["settings"]}
    assert rows["LIA_JWT_SECRET"] == "***"
    assert rows["LIA_DATABASE_URL"] == "postgresql+psycopg://lia:***@db.local/lia"
    assert rows["LIA_TIMEZONE"] == "America/Sao_Paulo"


def test_global_database_url_overrides_environment(lia: CliHarness) -> None:
    """--database-url beats LIA_DATABASE_URL."""
    doc = lia.json("--database-url", "sqlite+aiosqlite:///other.db", "config", "show",
                   env={"LIA_DATABASE_URL": "sqlite+aiosqlite:///env.db"})  # fmt: skip
    rows = {row["name"]: row["value"] for row in doc["settings"]}
    assert rows["LIA_DATABASE_URL"] == "sqlite+aiosqlite:///other.db"


def test_invalid_setting_exits_2_naming_it(lia: CliHarness) -> None:
    """A bad LIA_TIMEZONE or --database-url is invalid input reported in one line."""
    tz = lia("config", "show", env={"LIA_TIMEZONE": "Mars/Olympus"})
    assert tz.exit_code == 2
    assert tz.stderr.startswith("error: invalid setting LIA_TIMEZONE: unknown timezone")
    url = lia("--database-url", "mysql://x", "failure", "list")
    assert url.exit_code == 2
    assert url.stderr.startswith("error: invalid setting --database-url: database URL must")
    assert url.stderr.count("\n") == 1
    nested = lia("config", "show", env={"LIA_HTTP": "{not json"})
    assert nested.exit_code == 2
    assert nested.stderr.startswith("error: invalid setting: error parsing value for field")


def test_worker_once_activates_due_failures(lia: CliHarness) -> None:
    """`worker --once` activates scheduled failures whose start has come and reports them."""
    lia.ok("failure", "create", "--name", "Q", "--message", "Oi", "--region", "Rio",
           "--starts-at", "2026-05-20T10:00")  # fmt: skip
    idle = {"ticks": 1, "activated": [], "sent": 0, "retried": 0, "dead": 0, "uncertain": 0}
    idle |= {"gated": 0}  # LIA_INBOUND__GATE=worker only
    assert lia.json("worker", "--once") == idle
    lia.clock.advance(hours=2)
    assert lia.json("worker", "--once") == {**idle, "activated": ["f-1"]}
    assert lia.json("failure", "show", "f-1")["status"] == "active"
    assert "activated 0 failure(s)" in lia.ok("worker", "--once").stdout


def test_worker_gate_only_needs_the_gate_in_workers(lia: CliHarness) -> None:
    """`worker --gate-only` under the inline gate: one line naming the setting, exit 2."""
    refused = lia("worker", "--gate-only", "--once")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "error: invalid setting LIA_INBOUND__GATE: --gate-only needs it set to worker "
        "(it is inline)\n"
    )
    done = lia.json("worker", "--gate-only", "--once", env={"LIA_INBOUND__GATE": "worker"})
    assert done["gated"] == 0
    text = lia.ok("worker", "--gate-only", "--once", env={"LIA_INBOUND__GATE": "worker"})
    assert text.stdout == "gate worker: 0 stored message(s) gated\n"


def _commands(group: click.Group, prefix: str = "lia") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found += _commands(command, path)
    return found


def test_every_command_and_option_has_help_and_json() -> None:
    """Each command and option is documented, and every leaf command accepts --json."""
    for path, command in _commands(main):
        assert command.help, path
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{path} {param.opts}"
        if not isinstance(command, click.Group):
            assert any("--json" in p.opts for p in command.params), path
    top = CliRunner().invoke(main, ["--help"]).stdout
    for group in ("failure", "region", "user", "db", "config", "serve", "worker"):
        assert f"  {group} " in top


def test_unexpected_error_is_one_line_exit_1() -> None:
    """A crash inside a command becomes one `error:` line and exit 1, never a traceback."""

    async def broken(_settings: Settings) -> Runtime:
        raise RuntimeError("disk on fire")

    result = CliRunner().invoke(main, ["failure", "list"], obj=CliApp(runtime_factory=broken))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: unexpected RuntimeError: disk on fire")
    assert "Traceback" not in result.stderr


def test_json_error_for_invalid_input_names_the_flag(lia: CliHarness) -> None:
    """With --json, invalid input yields an error object whose field is the flag."""
    result = lia("failure", "check", "--cep", "123", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert (error["kind"], error["field"], error["exit_code"]) == ("validation_error", "--cep", 2)
