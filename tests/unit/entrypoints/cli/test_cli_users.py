"""`lia user update` and `lia user show` in-process: contact fields, clearing, refusals."""

from __future__ import annotations

from .cli_harness import CliHarness


def _with_ana(lia: CliHarness) -> None:
    lia.ok(
        "user", "create", "--username", "ana", "--role", "SUPERVISOR", "--password", "a1b2c3d4e5f6"
    )


def test_update_sets_contact_fields_and_show_lists_them(lia: CliHarness) -> None:
    """update stores the parsed phone, token, departments and name; show and list print them."""
    _with_ana(lia)
    doc = lia.json(
        "user", "update", "ANA", "--phone", "(21) 99999-8888", "--push-token", "tok-1",
        "--departments", "support, financial", "--full-name", "Ana Souza",
    )  # fmt: skip
    assert doc["phone"] == "5521999998888"
    assert doc["departments"] == ["financial", "support"]
    assert (doc["full_name"], doc["push_token"]) == ("Ana Souza", "tok-1")
    assert lia.json("user", "show", "ana") == doc
    assert lia.json("user", "list")["items"] == [doc]
    text = lia.ok("user", "show", "ana").stdout
    assert "phone: 5521999998888" in text
    assert "departments: financial, support" in text
    assert "5521999998888" in lia.ok("user", "list").stdout
    updates = [
        (e.action, e.actor) for e in lia.store.activity.values() if e.action != "user.create"
    ]
    assert updates == [("user.update", "tester")]


def test_update_keeps_omitted_fields_and_clears_empty_ones(lia: CliHarness) -> None:
    """Options left out keep their value; an empty value clears the field."""
    _with_ana(lia)
    lia.ok("user", "update", "ana", "--phone", "21999998888", "--departments", "support")
    doc = lia.json("user", "update", "ana", "--full-name", "Ana")
    assert (doc["phone"], doc["departments"]) == ("5521999998888", ["support"])
    cleared = lia.json("user", "update", "ana", "--phone", "", "--departments", "")
    assert (cleared["phone"], cleared["departments"], cleared["full_name"]) == (None, [], "Ana")


def test_update_refusals(lia: CliHarness) -> None:
    """A bad phone exits 2 naming --phone; an unknown user exits 1; nothing is changed."""
    _with_ana(lia)
    bad = lia("user", "update", "ana", "--phone", "abc")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: --phone: not a phone number")
    assert bad.stderr.count("\n") == 1
    missing = lia("user", "update", "bruno", "--full-name", "Bruno")
    assert (missing.exit_code, missing.stderr) == (1, "error: user 'bruno' not found\n")
    assert lia.json("user", "show", "ana")["phone"] is None
