"""A setting that cannot work stops `lia serve` and `lia worker` with one line, exit 2, before they listen."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lia_entrypoints.cli import CliApp, main

_SERVE = "from lia_entrypoints.cli import main; main()"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIA_")}
    return {**env, "LIA_DATA_DIR": str(tmp_path), "LIA_LOG_FORMAT": "json", **extra}


def _assert_refused_before_listening(
    exit_code: int, stdout: str, stderr: str, setting: str, port: int
) -> None:
    lines = stderr.strip().splitlines()
    assert exit_code == 2, stderr
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    assert setting in lines[0]
    assert "serving" not in stdout
    assert not _listening(port)


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"LIA_CRM__KIND": "ixc", "LIA_CRM__IXC_BASE_URL": "https://ixc.example.com.br",
          "LIA_CRM__IXC_TOKEN": "t"}, "LIA_CRM__IXC_USER_ID"),
        ({"LIA_CRM__KIND": "file", "LIA_CRM__FILE": "/no/such/clientes.csv"}, "LIA_CRM__FILE"),
        ({"LIA_ALERTS__DLQ_WEBHOOK_URL": "hooks.example.com/dlq"}, "LIA_ALERTS__DLQ_WEBHOOK_URL"),
    ],
)  # fmt: skip
def test_serve_refuses_a_broken_setting_before_listening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], setting: str
) -> None:
    """`lia serve` prints one `error:` line naming the setting, exits 2, and never binds its port."""
    import uvicorn

    async def listen(_server: uvicorn.Server) -> None:
        raise AssertionError("`lia serve` went on to listen")

    # In-process, a server that started would never return: stop it where it would bind.
    monkeypatch.setattr(uvicorn.Server, "serve", listen)
    port = _free_port()
    result = CliRunner().invoke(
        main, ["serve", "--port", str(port)], obj=CliApp(), env=_clean_env(tmp_path, **env)
    )
    _assert_refused_before_listening(result.exit_code, result.stdout, result.stderr, setting, port)


def test_serve_script_refuses_a_broken_database_url_before_listening(tmp_path: Path) -> None:
    """The same refusal from a real process: one `error:` line, exit 2, its port never bound."""
    port = _free_port()
    done = subprocess.run(
        [sys.executable, "-c", _SERVE, "serve", "--port", str(port)],
        env=_clean_env(tmp_path, LIA_DATABASE_URL="postgresql+psycopg://lia@db:port/lia"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    _assert_refused_before_listening(
        done.returncode, done.stdout, done.stderr, "LIA_DATABASE_URL", port
    )


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"LIA_CRM__KIND": "rest", "LIA_CRM__REST_URL_TEMPLATE": "crm/{phone}"},
         "LIA_CRM__REST_URL_TEMPLATE"),
        ({"LIA_WHATSAPP__PHONE_NUMBER_ID": "106540352242922"}, "LIA_WHATSAPP__ACCESS_TOKEN"),
        ({"LIA_DELIVERY__NOTICE_CHANNELS": '["fax"]'}, "LIA_DELIVERY__NOTICE_CHANNELS"),
        ({"LIA_FCM__PROJECT_ID": "p", "LIA_FCM__SERVICE_ACCOUNT_FILE": "/no/key.json"},
         "LIA_FCM__SERVICE_ACCOUNT_FILE"),
        ({"LIA_RETENTION__OUTBOX_DAYS": "-1"}, "LIA_RETENTION__OUTBOX_DAYS"),
    ],
)  # fmt: skip
def test_worker_refuses_a_broken_setting_before_its_first_round(
    tmp_path: Path, env: dict[str, str], setting: str
) -> None:
    """`lia worker --json` exits 2 with one error line naming the setting, and no database is made."""
    result = CliRunner().invoke(
        main, ["worker", "--json"], obj=CliApp(), env=_clean_env(tmp_path, **env)
    )
    assert result.exit_code == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    assert setting in line
    error = json.loads(result.stdout)["error"]
    assert (error["kind"], error["field"], error["exit_code"]) == ("invalid_setting", setting, 2)
    assert not (tmp_path / "lia.db").exists()


def test_config_show_lists_every_setting_even_when_one_is_broken(tmp_path: Path) -> None:
    """`lia config show --json` needs no bootstrap: a broken CRM setting is still shown, with the rest."""
    env = _clean_env(tmp_path, LIA_CRM__KIND="ixc")
    result = CliRunner().invoke(main, ["config", "show", "--json"], obj=CliApp(), env=env)
    assert result.exit_code == 0, result.stderr
    rows = {row["name"]: row["value"] for row in json.loads(result.stdout)["settings"]}
    assert rows["LIA_CRM__KIND"] == "ixc"
    assert rows["LIA_CRM__IXC_USER_ID"] is None
    assert {
        "LIA_DELIVERY__LEASE_SECONDS",
        "LIA_INBOUND__MAX_BATCH",
        "LIA_HTTP__PORT",
    } <= rows.keys()
