"""`lia failure …` in-process: the issue's done-when flow, exit codes and one-line errors."""

from __future__ import annotations

import json

from .cli_harness import CliHarness

TERESOPOLIS = (
    "failure", "create",
    "--name", "Rompimento de fibra",
    "--message", "Olá {nome}, falha na sua região ({regiao}); previsão {previsao}.",
    "--severity", "high",
    "--region", "Teresópolis:Centro,Alto",
    "--cep", "25950-000..25959-999",
    "--starts-at", "2026-05-21T02:00",
    "--estimated-resolution", "2026-05-21T06:00",
)  # fmt: skip


def test_done_when_flow(lia: CliHarness) -> None:
    """A scheduled outage is listed, activated, matched, paused, resumed and resolved."""
    created = lia.ok("user", "create", "--username", "alice", "--role", "SUPERVISOR",
                     "--password", "s3cret-pass-long")  # fmt: skip
    assert "created user alice (SUPERVISOR)" in created.stdout

    out = lia.ok(*TERESOPOLIS).stdout
    assert "created failure f-3 (scheduled)" in out
    assert "Teresópolis (Centro, Alto); CEP 25950-000..25959-999" in out

    listing = lia.ok("failure", "list", "--status", "scheduled").stdout
    assert "Active (0) · Scheduled (1) · History (0)" in listing
    header, row = listing.splitlines()[2:4]
    assert header.split()[:6] == ["ID", "NAME", "STATUS", "SEVERITY", "REGIONS", "STARTS"]
    assert row.split()[:3] == ["f-3", "Rompimento", "de"]
    assert "scheduled" in row
    assert "2026-05-21 02:00 -03" in row

    assert "now active" in lia.ok("failure", "activate", "f-3").stdout
    bairro = lia.ok("failure", "check", "--city", "teresopolis", "--neighbourhood", "ALTO").stdout
    assert bairro.startswith("AFFECTED")
    assert "f-3" in bairro
    assert "f-3" in lia.ok("failure", "check", "--cep", "25953-120").stdout
    elsewhere = lia.ok("failure", "check", "--city", "Petrópolis").stdout
    assert elsewhere.startswith("not affected")
    assert "f-3" not in elsewhere

    assert "now paused" in lia.ok("failure", "pause", "f-3").stdout
    assert "not affected" in lia.ok("failure", "check", "--cep", "25953120").stdout
    assert "now active" in lia.ok("failure", "resume", "f-3").stdout
    resolved = lia.ok("failure", "resolve", "f-3").stdout
    assert "failure f-3 (Rompimento de fibra) resolved; 0 notified" in resolved
    history = lia.ok("failure", "list", "--status", "resolved").stdout
    assert "Active (0) · Scheduled (0) · History (1)" in history


def test_create_without_start_is_active_and_records_actor(lia: CliHarness) -> None:
    """Omitting --starts-at activates at once; --actor is recorded as the creator."""
    doc = lia.json("failure", "create", "--name", "Queda", "--message", "Oi {nome}",
                   "--region", "Petrópolis", "--actor", "bob")  # fmt: skip
    assert doc["status"] == "active"
    assert doc["created_by"] == "bob"
    assert doc["activated_at"] == "2026-05-20T09:00:00-03:00"


def test_actor_defaults_to_environment(lia: CliHarness) -> None:
    """Without --actor the resolver is $LIA_ACTOR."""
    lia.ok("failure", "create", "--name", "Queda", "--message", "Oi", "--region", "Rio")
    doc = lia.json("failure", "resolve", "f-1", env={"LIA_ACTOR": "carol"})
    assert doc["failure"]["resolved_by"] == "carol"


def test_refused_transition_exits_1_with_one_line(lia: CliHarness) -> None:
    """Resuming an active failure is refused: exit 1, one line on stderr, nothing on stdout."""
    lia.ok("failure", "create", "--name", "Queda", "--message", "Oi", "--region", "Rio")
    result = lia("failure", "resume", "f-1")
    assert result.exit_code == 1
    assert result.stderr == "error: cannot resume failure f-1: it is active\n"
    assert result.stdout == ""
    assert lia.json("failure", "show", "f-1")["status"] == "active"


def test_unknown_failure_exits_1(lia: CliHarness) -> None:
    """An unknown id is a refusal (exit 1) naming the id."""
    result = lia("failure", "show", "nope")
    assert result.exit_code == 1
    assert result.stderr == "error: failure 'nope' not found\n"


def test_bad_cep_exits_2_naming_the_flag(lia: CliHarness) -> None:
    """A malformed --cep range is invalid input (exit 2) and the message names --cep."""
    result = lia("failure", "create", "--name", "Queda", "--message", "Oi",
                 "--cep", "25950-000..2595")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --cep: CEP must have 8 digits")
    assert result.stderr.count("\n") == 1
    assert lia.store.failures == {}


def test_unknown_placeholder_exits_2(lia: CliHarness) -> None:
    """An unknown {placeholder} in --message is rejected when saving, naming --message."""
    result = lia("failure", "create", "--name", "Queda", "--message", "Oi {cliente}",
                 "--region", "Rio")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --message: unknown placeholder {cliente}")
    assert lia.store.failures == {}


def test_bad_start_time_exits_2(lia: CliHarness) -> None:
    """A --starts-at that is not ISO 8601 is invalid input naming the flag."""
    result = lia("failure", "create", "--name", "Q", "--message", "Oi", "--region", "Rio",
                 "--starts-at", "amanhã")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --starts-at: not an ISO 8601 time")


def test_check_bairro_without_city_exits_2(lia: CliHarness) -> None:
    """A bairro alone is not a location; the message points at --city."""
    result = lia("failure", "check", "--neighbourhood", "Alto")
    assert result.exit_code == 2
    assert result.stderr == "error: --city: a bairro needs its city\n"


def test_click_usage_error_exits_2(lia: CliHarness) -> None:
    """A bad choice is a usage error (exit 2) without a traceback."""
    result = lia("failure", "list", "--status", "later")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "--status" in result.stderr


def test_json_documents_have_the_shared_fields(lia: CliHarness) -> None:
    """create, list, check and actions print one parseable JSON document each."""
    created = lia.json(*TERESOPOLIS)
    assert created["status"] == "scheduled"
    assert created["starts_at"] == "2026-05-21T02:00:00-03:00"
    assert created["regions"] == {
        "cities": [{"city": "Teresópolis", "neighbourhoods": ["Centro", "Alto"]}],
        "ceps": ["25950-000..25959-999"],
    }
    listing = lia.json("failure", "list", "--status", "all")
    assert listing["counts"] == {"active": 0, "scheduled": 1, "resolved": 0, "all": 1}
    assert [item["id"] for item in listing["items"]] == [created["id"]]
    assert lia.json("failure", "activate", created["id"])["status"] == "active"
    check = lia.json("failure", "check", "--city", "TERESÓPOLIS", "--neighbourhood", "centro")
    assert check["affected"] is True
    assert check["location"] == {"city": "teresopolis", "neighbourhood": "centro", "cep": None}
    assert [f["id"] for f in check["failures"]] == [created["id"]]
    assert lia.json("failure", "check", "--cep", "01001-000")["affected"] is False


def test_json_error_goes_to_both_streams(lia: CliHarness) -> None:
    """With --json a refusal still writes one stderr line and a JSON error object on stdout."""
    result = lia("failure", "pause", "missing", "--json")
    assert result.exit_code == 1
    assert result.stderr == "error: failure 'missing' not found\n"
    assert json.loads(result.stdout) == {
        "error": {
            "kind": "not_found",
            "message": "failure 'missing' not found",
            "field": None,
            "exit_code": 1,
        }
    }


def test_resolve_with_message_and_cancel(lia: CliHarness) -> None:
    """resolve stores --resolution-message; cancel ends a scheduled failure in history."""
    lia.ok("failure", "create", "--name", "Q", "--message", "Oi", "--region", "Rio")
    resolved = lia.json("failure", "resolve", "f-1", "--resolution-message", "Voltou, {nome}!")
    assert resolved["failure"]["resolution_message"] == "Voltou, {nome}!"
    lia.ok(*TERESOPOLIS)
    assert lia.json("failure", "cancel", "f-4")["status"] == "cancelled"
    assert lia.json("failure", "list", "--status", "resolved")["counts"]["resolved"] == 2


MAINTENANCE = (
    "--name", "Manutenção Petrópolis",
    "--message", "Olá {nome}, manutenção em {regiao}.",
    "--severity", "low",
    "--region", "Petrópolis",
    "--starts-at", "2026-05-22T01:00",
    "--estimated-resolution", "2026-05-22T05:00",
)  # fmt: skip


def test_edit_replaces_a_scheduled_failure_with_the_create_options(lia: CliHarness) -> None:
    """edit takes create's options, replaces every field and keeps the failure scheduled."""
    lia.ok(*TERESOPOLIS, "--actor", "ana")
    out = lia.ok("failure", "edit", "f-1", *MAINTENANCE, "--actor", "bob").stdout
    assert "edited failure f-1 (scheduled)" in out
    assert "Petrópolis" in out
    doc = lia.json("failure", "show", "f-1")
    assert (doc["name"], doc["severity"], doc["created_by"]) == (
        "Manutenção Petrópolis",
        "low",
        "ana",
    )
    assert doc["regions"] == {"cities": [{"city": "Petrópolis", "neighbourhoods": []}], "ceps": []}
    assert doc["starts_at"] == "2026-05-22T01:00:00-03:00"
    assert doc["estimated_resolution"] == "2026-05-22T05:00:00-03:00"


def test_edit_without_start_activates_and_prints_json(lia: CliHarness) -> None:
    """Dropping --starts-at activates the failure now; --json prints the failure."""
    lia.ok(*TERESOPOLIS)
    doc = lia.json("failure", "edit", "f-1", "--name", "Queda", "--message", "Oi {nome}",
                   "--region", "Rio")  # fmt: skip
    assert (doc["status"], doc["name"]) == ("active", "Queda")
    assert doc["activated_at"] == "2026-05-20T09:00:00-03:00"


def test_edit_refusals_exit_1_or_2(lia: CliHarness) -> None:
    """Editing an active or unknown failure exits 1; bad input exits 2 naming the flag."""
    lia.ok("failure", "create", "--name", "Queda", "--message", "Oi", "--region", "Rio")
    result = lia("failure", "edit", "f-1", *MAINTENANCE)
    assert (result.exit_code, result.stderr) == (
        1,
        "error: cannot edit failure f-1: it is active\n",
    )
    result = lia("failure", "edit", "nope", *MAINTENANCE)
    assert (result.exit_code, result.stderr) == (1, "error: failure 'nope' not found\n")
    lia.ok(*TERESOPOLIS)
    result = lia("failure", "edit", "f-3", *MAINTENANCE, "--message", "Oi {cliente}")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --message: unknown placeholder {cliente}")
    assert lia.json("failure", "show", "f-3")["name"] == "Rompimento de fibra"
