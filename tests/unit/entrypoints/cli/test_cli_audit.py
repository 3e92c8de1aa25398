"""`lia audit list` in-process: what CLI actions record, the filters, the table and the refusals."""

from __future__ import annotations

from .cli_harness import CliHarness

OUTAGE = ("failure", "create", "--name", "Queda", "--message", "Oi {nome}", "--region", "Rio")


def test_cli_actions_are_listed_newest_first_with_their_actor(lia: CliHarness) -> None:
    """--actor (or $LIA_ACTOR) signs each action; --json lists them newest first."""
    lia.ok("region", "create", "--id", "serra", "--name", "Serra", "--cep", "2595")
    failure = lia.json(*OUTAGE, "--actor", "ana")
    lia.clock.advance(minutes=5)
    lia.ok("failure", "pause", failure["id"], "--actor", "bruno")
    lia.ok("region", "delete", "serra", env={"LIA_ACTOR": "carla"})

    items = lia.json("audit", "list")["items"]
    assert [
        (e["actor"], e["action"], e["entity"], e["from_state"], e["to_state"]) for e in items
    ] == [
        ("carla", "region.delete", "region", "0 cities, 1 CEP rule", None),
        ("bruno", "failure.status", "failure", "active", "paused"),
        ("ana", "failure.declare", "failure", None, "active"),
        ("tester", "region.define", "region", None, "0 cities, 1 CEP rule"),
    ]
    assert items[1]["at"] == "2026-05-20T09:05:00-03:00"
    assert (items[1]["ip"], items[1]["user_agent"]) == (None, None)


def test_filters_narrow_the_list(lia: CliHarness) -> None:
    """--entity, --entity-id, --user, --since and --limit each narrow what is listed."""
    failure = lia.json(*OUTAGE, "--actor", "ana")
    lia.clock.advance(hours=3)
    lia.ok(
        "user", "create", "--username", "bia", "--role", "AGENT", "--password", "s3cret-pass-long"
    )

    def actions(*args: str) -> list[str]:
        return [e["action"] for e in lia.json("audit", "list", *args)["items"]]

    assert actions("--entity", "user") == ["user.create"]
    assert actions("--entity-id", failure["id"]) == ["failure.declare"]
    assert actions("--user", "ana") == ["failure.declare"]
    assert actions("--since", "2h") == ["user.create"]
    assert actions("--since", "2026-05-20T09:00") == ["user.create", "failure.declare"]
    assert actions("--limit", "1") == ["user.create"]
    assert actions("--user", "nobody") == []


def test_the_table_shows_who_what_and_the_change(lia: CliHarness) -> None:
    """Without --json: a table with the local time, user, action, entity and from → to."""
    failure = lia.json(*OUTAGE, "--actor", "ana")
    out = lia.ok("audit", "list").stdout
    header, row = out.splitlines()
    assert header.split() == ["AT", "USER", "ACTION", "ENTITY", "CHANGE", "REASON", "IP"]
    assert row.split()[:6] == [
        "2026-05-20", "09:00", "-03", "ana", "failure.declare", f"failure:{failure['id']}",
    ]  # fmt: skip
    assert "- → active" in row
    assert lia.ok("audit", "list", "--user", "nobody").stdout == "no audit entries match\n"


def test_bad_filters_exit_2_naming_the_flag(lia: CliHarness) -> None:
    """An unreadable --since or an out-of-range --limit: one line on stderr, exit 2."""
    for args, flag in [(("--since", "ontem"), "--since"), (("--limit", "0"), "--limit"),
                       (("--limit", "5000"), "--limit")]:  # fmt: skip
        result = lia("audit", "list", *args)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith(f"error: {flag}: ")
        assert result.stderr.count("\n") == 1
        assert result.stdout == ""
    refused = lia("audit", "list", "--since", "ontem", "--json")
    assert refused.exit_code == 2
    assert '"field": "--since"' in refused.stdout
