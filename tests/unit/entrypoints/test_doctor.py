"""`lia doctor`'s checks against a fake of every vendor over httpx.MockTransport: each check's
ok and its failures (refused credentials, an instance not open, an unreachable host, a missing
secret, a database behind the code), and the CLI's lines, JSON and exit codes."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from click.testing import CliRunner

from lia_adapters.sql import create_engine
from lia_adapters.sql.migrations import upgrade
from lia_entrypoints.cli import CliApp, main
from lia_entrypoints.doctor import Check, Status, run_checks
from lia_entrypoints.settings import Settings

TOKEN, API_KEY, SID, AUTH = "wa-token", "evo-key", "AC1", "tw-token"


@attrs.define
class FakeVendors:
    """Answers each provider's probe as its docs say; a switch per way to fail."""

    evolution_state: str = "open"
    twilio_status: str = "active"
    health_status: int = 200
    crm_status: int = 200
    down: set[str] = attrs.field(factory=set)
    """Hosts that refuse connections."""
    seen: list[str] = attrs.field(factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(f"{request.method} {request.url.host}{request.url.path}")
        if request.url.host in self.down:
            raise httpx.ConnectError("refused", request=request)
        auth = request.headers.get("authorization", "")
        match request.url.host, request.method, request.url.path:
            case "graph", "GET", "/v21.0/106":
                if auth != f"Bearer {TOKEN}":
                    return httpx.Response(401, json={"error": {"code": 190}})
                assert request.url.params["fields"] == "display_phone_number,verified_name"
                return httpx.Response(
                    200, json={"display_phone_number": "+55 21 3003-0000", "verified_name": "Net"}
                )
            case "evo", "GET", "/instance/connectionState/loja":
                if request.headers.get("apikey") != API_KEY:
                    return httpx.Response(401, json={"message": "Unauthorized"})
                return httpx.Response(
                    200, json={"instance": {"instanceName": "loja", "state": self.evolution_state}}
                )
            case "twilio", "GET", "/2010-04-01/Accounts/AC1.json":
                expected = base64.b64encode(f"{SID}:{AUTH}".encode()).decode()
                if auth != f"Basic {expected}":
                    return httpx.Response(401, json={"code": 20003})
                return httpx.Response(200, json={"sid": SID, "status": self.twilio_status})
            case "fcm", "POST", "/v1/projects/p/messages:send":
                body = json.loads(request.content)
                assert body["validate_only"] is True  # never a real send
                assert "token" not in body["message"]
                if auth != "Bearer fcm-token":
                    return httpx.Response(401, json={"error": {"status": "UNAUTHENTICATED"}})
                return httpx.Response(200, json={"name": "projects/p/messages/fake"})
            case "crm", "GET", _:
                return httpx.Response(self.crm_status, json=[])
            case "lia", "GET", "/health":
                return httpx.Response(self.health_status, json={"status": "ok"})
        return httpx.Response(404)


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "whatsapp": {
            "phone_number_id": "106",
            "access_token": TOKEN,
            "base_url": "http://graph",
            "app_secret": "s",
            "verify_token": "v",
        },
        "evolution": {
            "base_url": "http://evo",
            "instance": "loja",
            "api_key": API_KEY,
            "webhook_token": "w",
        },
        "twilio": {
            "account_sid": SID,
            "auth_token": AUTH,
            "from_number": "+5521999990000",
            "base_url": "http://twilio",
        },
        "fcm": {"project_id": "p", "access_token": "fcm-token", "base_url": "http://fcm"},
        "crm": {"kind": "rest", "rest_url_template": "http://crm/clientes?fone={phone}"},
        "http": {"public_url": "https://lia/"},
    }
    values.update(overrides)
    return Settings(_env_file=None, data_dir=tmp_path, **values)


async def _migrated(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'lia.db'}")
    await upgrade(engine)
    await engine.dispose()


def _by_name(checks: Sequence[Check]) -> dict[str, tuple[Status, str]]:
    return {c.name: (c.status, c.detail) for c in checks}


async def test_everything_configured_and_working_is_ok(tmp_path: Path) -> None:
    """One line per check, in order, every one ok; one call per provider, none a send."""
    await _migrated(tmp_path)
    vendors = FakeVendors()
    checks = await run_checks(_settings(tmp_path), transport=httpx.MockTransport(vendors))
    assert [c.name for c in checks] == [
        "database",
        "whatsapp credentials",
        "evolution credentials",
        "sms credentials",
        "push credentials",
        "crm (rest)",
        "whatsapp webhook secrets",
        "evolution webhook secrets",
        "twilio webhook secrets",
        "public url",
    ]
    assert {c.status for c in checks} == {Status.OK}, [c.line() for c in checks]
    found = _by_name(checks)
    assert found["whatsapp credentials"][1] == "phone number +55 21 3003-0000 (Net)"
    assert found["public url"][1] == "GET https://lia/health answered 200"
    assert sorted(vendors.seen) == [
        "GET crm/clientes",
        "GET evo/instance/connectionState/loja",
        "GET graph/v21.0/106",
        "GET lia/health",
        "GET twilio/2010-04-01/Accounts/AC1.json",
        "POST fcm/v1/projects/p/messages:send",
    ]
    assert checks[0].line().startswith("ok    database: reachable, at revision ")


async def test_each_failure_is_its_own_line(tmp_path: Path) -> None:
    """Refused credentials, an instance not open, a suspended account, a CRM error, a missing
    secret, an unhealthy public URL: each fails alone, naming why, and shows no secret."""
    await _migrated(tmp_path)
    vendors = FakeVendors(evolution_state="close", twilio_status="suspended", crm_status=500)
    vendors.health_status = 503
    settings = _settings(
        tmp_path,
        whatsapp={"phone_number_id": "106", "access_token": "expired", "base_url": "http://graph"},
        fcm={"project_id": "p", "access_token": "wrong", "base_url": "http://fcm"},
    )
    checks = await run_checks(settings, transport=httpx.MockTransport(vendors))
    found = _by_name(checks)
    assert found["database"][0] is Status.OK
    assert found["whatsapp credentials"] == (
        Status.FAIL,
        "WhatsApp Cloud API refused the credentials (HTTP 401)",
    )
    assert found["evolution credentials"] == (Status.FAIL, "instance loja is close, not open")
    assert found["sms credentials"] == (Status.FAIL, "account AC1 is suspended")
    assert found["push credentials"] == (Status.FAIL, "FCM refused the credentials (HTTP 401)")
    assert found["crm (rest)"][0] is Status.FAIL
    assert found["whatsapp webhook secrets"] == (
        Status.FAIL,
        "LIA_WHATSAPP__APP_SECRET, LIA_WHATSAPP__VERIFY_TOKEN not set: its webhook refuses everything",
    )
    assert found["public url"] == (Status.FAIL, "GET https://lia/health answered HTTP 503")
    assert not any("expired" in c.detail or "wrong" in c.detail for c in checks)


async def test_unreachable_hosts_fail_with_the_reason(tmp_path: Path) -> None:
    """A host that refuses connections: its check fails saying so, the others still run."""
    await _migrated(tmp_path)
    vendors = FakeVendors(down={"graph", "lia"})
    checks = await run_checks(_settings(tmp_path), transport=httpx.MockTransport(vendors))
    found = _by_name(checks)
    assert found["whatsapp credentials"] == (
        Status.FAIL,
        "cannot reach WhatsApp Cloud API (ConnectError: refused)",
    )
    assert found["public url"] == (Status.FAIL, "GET https://lia/health: ConnectError refused")
    assert found["sms credentials"][0] is Status.OK


async def test_a_slow_provider_fails_after_the_timeout(tmp_path: Path) -> None:
    """A provider that never answers fails after the doctor's timeout (here 0.2 s)."""
    await _migrated(tmp_path)

    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return httpx.Response(200)

    settings = Settings(_env_file=None, data_dir=tmp_path, twilio=_settings(tmp_path).twilio)
    checks = await run_checks(settings, wait=0.2, transport=httpx.MockTransport(hang))
    assert _by_name(checks)["sms credentials"] == (Status.FAIL, "sms did not answer in 0.2 s")


async def test_nothing_configured_is_skipped_and_a_stale_database_fails(tmp_path: Path) -> None:
    """A fresh install: the database has no file yet (FAIL), everything else is skipped."""
    checks = await run_checks(Settings(_env_file=None, data_dir=tmp_path))
    assert [c.line() for c in checks] == [
        f"FAIL  database: no SQLite file at {tmp_path / 'lia.db'} yet",
        "skip  providers: none configured: messages go to the sandbox",
        "skip  crm (none): LIA_CRM__KIND is none",
        "skip  webhook secrets: no provider with webhooks configured",
        "skip  public url: LIA_HTTP__PUBLIC_URL not set",
    ]
    (tmp_path / "lia.db").touch()  # a file, never migrated
    (database, *_) = await run_checks(Settings(_env_file=None, data_dir=tmp_path))
    assert database.status is Status.FAIL
    assert database.detail.startswith("empty (no revision), this LIA needs ")
    assert database.detail.endswith(": run `lia db upgrade`")


async def test_an_unreachable_postgresql_fails(tmp_path: Path) -> None:
    """A PostgreSQL nobody listens on: the database check fails, naming the error."""
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        database_url="postgresql+psycopg://lia:secret-pw@127.0.0.1:1/lia",
    )
    (database, *_) = await run_checks(settings, wait=3)
    assert database.status is Status.FAIL
    assert database.detail.startswith("unreachable (")
    assert "secret-pw" not in database.detail


def _cli(tmp_path: Path, *args: str, **env: str) -> Any:
    base = {"LIA_DATA_DIR": str(tmp_path), **env}
    return CliRunner().invoke(main, ["doctor", *args], obj=CliApp(), env=base)


@pytest.mark.parametrize("as_json", [False, True])
def test_the_cli_exits_0_when_nothing_fails(tmp_path: Path, as_json: bool) -> None:
    """Migrated, nothing else configured: ok and skips, exit 0 (with --json: ok true)."""
    asyncio.run(_migrated(tmp_path))
    result = _cli(tmp_path, *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.output
    if as_json:
        doc = json.loads(result.stdout)
        assert doc["ok"] is True
        assert [c["status"] for c in doc["checks"]] == ["ok", "skip", "skip", "skip", "skip"]
    else:
        assert result.stdout.splitlines()[0].startswith("ok    database: ")


def test_the_cli_exits_1_when_a_check_fails(tmp_path: Path) -> None:
    """A database not migrated and an unreachable public URL: their lines say FAIL, exit 1."""
    result = _cli(tmp_path, "--json", "--timeout", "2", LIA_HTTP__PUBLIC_URL="http://127.0.0.1:1")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False
    failed = [c["check"] for c in doc["checks"] if c["status"] == "FAIL"]
    assert failed == ["database", "public url"]


def test_a_bad_timeout_is_exit_2(tmp_path: Path) -> None:
    """--timeout outside 0.1-60 s: click's one-line refusal, exit 2."""
    result = _cli(tmp_path, "--timeout", "0")
    assert result.exit_code == 2
    assert "--timeout" in result.stderr


def test_the_cli_default_timeout_is_the_checks_default() -> None:
    """`lia doctor --timeout` defaults to the checks' own default (kept apart so `lia --help`
    does not import every channel's client)."""
    from lia_entrypoints.cli.doctor import WAIT, doctor
    from lia_entrypoints.doctor import DEFAULT_TIMEOUT

    assert WAIT == DEFAULT_TIMEOUT
    assert next(p.default for p in doctor.params if p.name == "wait") == WAIT


def test_the_cli_reads_its_settings_without_the_sql_adapters_or_the_channels() -> None:
    """`lia --help` stays quick: importing the CLI loads neither every SQL repository nor the
    channels' clients (each is imported by the command that uses it)."""
    import subprocess
    import sys

    probe = (
        "import sys, lia_entrypoints.cli; "
        "print(sorted(m for m in ('lia_adapters.sql', 'lia_entrypoints.doctor') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
