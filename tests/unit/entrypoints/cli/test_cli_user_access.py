"""`lia user password|disable|enable`: a new password (older sign-ins refused), accounts
switched off and on, audited; the only active ADMIN stays."""

from __future__ import annotations

from .cli_harness import CliHarness


def _accounts(lia: CliHarness) -> None:
    for name, role in [("ana", "ADMIN"), ("bia", "AGENT")]:
        lia.ok(
            "user", "create", "--username", name, "--role", role, "--password", "s3cret-pass-long"
        )


def test_password_from_stdin_or_the_prompt_bumps_the_credentials_version(lia: CliHarness) -> None:
    """The new password is stored hashed, the account's credentials version moves on (so
    its tokens and sessions are refused), and the change is audited."""
    _accounts(lia)
    piped = lia("user", "password", "bia", "--password-stdin", input="a brand new passphrase\n")
    assert piped.exit_code == 0, piped.stderr
    assert "older sign-ins are refused" in piped.stdout
    assert lia.store.users["bia"].password_hash == "plain$a brand new passphrase"
    assert lia.store.users["bia"].credentials_version == 1
    prompted = lia("user", "password", "bia", input="another long one\nanother long one\n")
    assert prompted.exit_code == 0, prompted.stderr
    assert lia.store.users["bia"].credentials_version == 2
    actions = [a.action for a in lia.store.activity.values()]
    assert actions.count("user.password") == 2


def test_a_short_or_common_password_is_refused_in_one_line(lia: CliHarness) -> None:
    """Exit 2 with one line naming the rule; nothing changes."""
    _accounts(lia)
    short = lia("user", "password", "bia", "--password-stdin", input="short\n")
    assert short.exit_code == 2
    assert "at least 10 characters" in short.stderr
    assert len(short.stderr.splitlines()) == 1
    common = lia("user", "password", "bia", "--password-stdin", input="Password123\n")
    assert common.exit_code == 2
    assert "common passwords" in common.stderr
    assert lia.store.users["bia"].credentials_version == 0


def test_disable_and_enable_an_account(lia: CliHarness) -> None:
    """disable/enable flip the account (JSON shows it); the only active ADMIN exits 1."""
    _accounts(lia)
    assert lia.json("user", "disable", "bia")["is_active"] is False
    assert not lia.store.users["bia"].is_active
    assert "bia is active" in lia.ok("user", "enable", "bia").stdout
    last = lia("user", "disable", "ana")
    assert last.exit_code == 1
    assert last.stderr.startswith("error: ana is the only active ADMIN")
    missing = lia("user", "disable", "nobody")
    assert missing.exit_code == 1
    actions = [a.action for a in lia.store.activity.values() if a.entity_id == "bia"]
    assert actions == ["user.create", "user.disable", "user.enable"]
