"""`lia agent`, `lia queue list` and `lia conversation claim|release|transfer|assign` in-process."""

from __future__ import annotations

from lia_core.domain.assignments import Assignment

from .cli_harness import NOW, CliHarness


def _desk(lia: CliHarness) -> None:
    for name, role in (("ana", "AGENT"), ("bia", "AGENT"), ("sup", "SUPERVISOR")):
        lia.ok("user", "create", "--username", name, "--role", role, "--password", "a1b2c3d4e5f6")
    lia.ok("agent", "set", "ana", "--departments", "support", "--capacity", "2")
    lia.ok("agent", "set", "bia", "--departments", "support,financial", "--skills", "fibra")
    row = Assignment(conversation_id="c-1", department="support", waiting_since=NOW, updated_at=NOW)
    lia.store.assignment_tables.assignments["c-1"] = row


def test_agents_are_listed_and_set_with_refusals_in_one_line(lia: CliHarness) -> None:
    """set changes the profile (audited); a bad capacity or status exits 2 with one line."""
    _desk(lia)
    agents = {a["username"]: a for a in lia.json("agent", "list")["items"]}
    assert (agents["ana"]["capacity"], agents["ana"]["departments"]) == (2, ["support"])
    assert agents["bia"]["skills"] == ["fibra"]
    assert agents["ana"]["presence"] == "offline"  # set by hand, never heard from
    bad = lia("agent", "set", "ana", "--capacity", "500")
    assert bad.exit_code == 2
    assert bad.stderr.strip().count("\n") == 0
    assert "capacity" in bad.stderr
    assert lia("agent", "set", "ana", "--status", "sleeping").exit_code == 2
    assert lia("agent", "set", "nobody", "--capacity", "1").exit_code == 1
    actions = [e.action for e in lia.store.activity.values() if e.entity == "agent"]
    assert actions == ["agent.update", "agent.update"]


def test_claim_race_transfer_assign_and_queue_counts(lia: CliHarness) -> None:
    """One claim wins, the second exits 1 naming the holder; transfer needs a reason."""
    _desk(lia)
    assert lia.json("queue", "list", "--as", "ana")["items"] == [
        {"department": "support", "mine": 0, "unassigned": 1, "all": 1}
    ]
    assert lia.json("conversation", "claim", "c-1", "--as", "ana")["assignee"] == "ana"
    lost = lia("conversation", "claim", "c-1", "--as", "bia")
    assert lost.exit_code == 1
    assert "assigned to ana" in lost.stderr
    assert lia("conversation", "transfer", "c-1", "--as", "ana", "--to-agent", "bia").exit_code == 2
    moved = lia.json(
        "conversation", "transfer", "c-1", "--as", "ana", "--to-department", "financial",
        "--reason", "boleto",
    )  # fmt: skip
    assert (moved["state"], moved["department"]) == ("queued", "financial")
    assert lia("conversation", "assign", "c-1", "--agent", "ana", "--as", "bia").exit_code == 1
    given = lia.json("conversation", "assign", "c-1", "--agent", "bia", "--as", "sup")
    assert given["assignee"] == "bia"
    assert lia.json("conversation", "release", "c-1", "--as", "bia")["state"] == "queued"
    assert lia.json("queue", "list", "--department", "financial")["items"] == [
        {"department": "financial", "mine": 0, "unassigned": 1, "all": 1}
    ]


def test_an_agent_lists_and_accepts_an_offer(lia: CliHarness) -> None:
    """The worker offers c-1 to ana (online, auto-offline off); `lia offer list` shows it with
    its id, `lia offer accept` makes the conversation hers; another agent's accept exits 1."""
    _desk(lia)
    lia.ok("agent", "set", "ana", "--status", "online", "--no-auto-offline")
    assert lia.ok("offer", "list", "--as", "ana").stdout == "no open offers for ana\n"
    lia.ok("worker", "--once")
    (offer,) = lia.json("offer", "list", "--as", "ana")["items"]
    assert (offer["conversation_id"], offer["status"]) == ("c-1", "pending")
    assert offer["id"] in lia.ok("offer", "list", "--as", "ana").stdout
    assert lia("offer", "accept", offer["id"], "--as", "bia").exit_code == 1
    accepted = lia.ok("offer", "accept", offer["id"], "--as", "ana").stdout
    assert accepted == f"offer {offer['id']} accepted: conversation c-1 (support)\n"
    assert lia.json("queue", "list", "--as", "ana")["items"][0]["mine"] == 1
    assert lia("offer", "reject", offer["id"], "--as", "ana").exit_code == 1  # answered
