"""`lia region …` and `lia user …` in-process: catalogue edits, accounts, and their refusals."""

from __future__ import annotations

from .cli_harness import CliHarness


def test_region_lifecycle_and_use_by_failures(lia: CliHarness) -> None:
    """A region is created, used by a failure, matched, updated, and deletable once unused."""
    region = lia.json("region", "create", "--id", "tere-centro", "--name", "Teresópolis Centro",
                      "--region", "Teresópolis:Centro", "--cep", "25953")  # fmt: skip
    assert region["summary"] == "Teresópolis (Centro); CEP 25953*"
    assert "tere-centro" in lia.ok("region", "list").stdout
    lia.ok("failure", "create", "--name", "Q", "--message", "Oi", "--region-id", "tere-centro")
    assert lia.json("failure", "check", "--cep", "25953-120")["affected"] is True

    updated = lia.json("region", "update", "tere-centro", "--cep", "25960")
    assert updated["summary"] == "CEP 25960*"
    assert updated["name"] == "Teresópolis Centro"
    assert lia.json("failure", "check", "--cep", "25953-120")["affected"] is False
    assert lia.json("failure", "check", "--cep", "25960-001")["affected"] is True

    refused = lia("region", "delete", "tere-centro")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error: region 'tere-centro' is used by 1 open failure(s)")
    lia.ok("failure", "resolve", "f-2")  # f-1 is the region's audit entry
    assert lia.json("region", "delete", "tere-centro") == {"deleted": "tere-centro"}
    assert lia.json("region", "list") == {"items": []}


def test_region_refusals_and_bad_input(lia: CliHarness) -> None:
    """Duplicate ids exit 1; a bad id, no rules, or an unknown region exit with the right code."""
    lia.ok("region", "create", "--id", "rio", "--name", "Rio", "--region", "Rio de Janeiro")
    duplicate = lia("region", "create", "--id", "rio", "--name", "Rio", "--region", "Rio")
    assert (duplicate.exit_code, duplicate.stderr) == (1, "error: region 'rio' already exists\n")
    bad_id = lia("region", "create", "--id", "Not A Slug", "--name", "X", "--region", "Rio")
    assert bad_id.exit_code == 2
    assert bad_id.stderr.startswith("error: --id: region id must be a lowercase slug")
    no_rules = lia("region", "create", "--id", "empty", "--name", "X")
    assert no_rules.exit_code == 2
    assert no_rules.stderr.startswith("error: --region: a region needs at least one")
    missing = lia("region", "show", "nowhere")
    assert (missing.exit_code, missing.stderr) == (1, "error: region 'nowhere' not found\n")


def test_failure_with_unknown_region_id_exits_2(lia: CliHarness) -> None:
    """Naming a region the catalogue lacks is invalid input pointing at --region-id."""
    result = lia("failure", "create", "--name", "Q", "--message", "Oi", "--region-id", "ghost")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --region-id: unknown catalogue region 'ghost'")


def test_user_create_from_prompt_and_list(lia: CliHarness) -> None:
    """Without --password the password is asked twice (hidden) on stderr, keeping stdout clean."""
    result = lia("user", "create", "--username", "Bob", "--role", "agent", "--json",
                 input="long-password\nlong-password\n")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Password" in result.stderr
    assert "long-password" not in result.stdout + result.stderr
    assert lia.store.users["bob"].password_hash == "plain$long-password"
    users = lia.json("user", "list")["items"]
    assert [(u["username"], u["role"]) for u in users] == [("bob", "AGENT")]
    assert all("password" not in key for key in users[0])


def test_user_password_from_environment(lia: CliHarness) -> None:
    """$LIA_PASSWORD stands in for --password (no prompt, nothing in the process list)."""
    doc = lia.json("user", "create", "--username", "carol", "--role", "ADMIN",
                   env={"LIA_PASSWORD": "from-the-env"})  # fmt: skip
    assert doc["role"] == "ADMIN"
    assert lia.store.users[doc["username"]].password_hash == "plain$from-the-env"


def test_user_refusals(lia: CliHarness) -> None:
    """A taken username exits 1; a short password or unknown role exits 2 naming the flag."""
    lia.ok("user", "create", "--username", "dave", "--role", "AGENT", "--password", "a1b2c3d4e5f6")
    taken = lia(
        "user", "create", "--username", "DAVE", "--role", "AGENT", "--password", "a1b2c3d4e5f6"
    )
    assert (taken.exit_code, taken.stderr) == (1, "error: user 'dave' already exists\n")
    short = lia("user", "create", "--username", "erin", "--role", "AGENT", "--password", "short")
    assert short.exit_code == 2
    assert short.stderr.startswith("error: --password: password must have at least 10")
    role = lia(
        "user", "create", "--username", "erin", "--role", "ROOT", "--password", "a1b2c3d4e5f6"
    )
    assert role.exit_code == 2
    assert "--role" in role.stderr
