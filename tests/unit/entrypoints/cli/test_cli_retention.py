"""`lia outbox|webhooks|audit purge` in-process: what goes, --dry-run, --json, the refusals."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import timedelta

import pytest

from lia_core.domain.delivery import JobStatus
from tests.contract.builders.conversations import inbound
from tests.contract.builders.delivery import a_job, store_jobs

from .cli_harness import NOW, CliHarness


def _run(seed: Coroutine[object, object, None]) -> None:
    asyncio.run(seed)


def _jobs(lia: CliHarness) -> None:
    old = NOW - timedelta(days=31)
    _run(
        store_jobs(
            lia.store.unit_of_work,
            a_job("j-sent", status=JobStatus.SENT, created_at=old),
            a_job("j-dead", status=JobStatus.DEAD, created_at=old),
            a_job("j-uncertain", status=JobStatus.UNCERTAIN, created_at=old),
            a_job("j-new", status=JobStatus.SENT, created_at=NOW - timedelta(days=29)),
        )
    )


def test_outbox_purge_deletes_old_finished_jobs(lia: CliHarness) -> None:
    """--dry-run counts; the purge deletes sent and dead jobs older than 30d, says so, and audits it."""
    _jobs(lia)
    dry = lia.json("outbox", "purge", "--older-than", "30d", "--dry-run")
    assert (dry["target"], dry["count"], dry["dry_run"]) == ("outbox", 2, True)
    assert dry["before"] == "2026-04-20T09:00:00-03:00"
    assert len(lia.store.jobs) == 4

    out = lia.ok("outbox", "purge", "--older-than", "30d", "--batch-size", "1").stdout
    assert out == "2 finished jobs older than 2026-04-20 09:00 -03 were deleted\n"
    assert set(lia.store.jobs) == {"j-uncertain", "j-new"}
    (entry,) = lia.json("audit", "list")["items"]
    assert (entry["actor"], entry["action"], entry["entity_id"]) == (
        "tester",
        "retention.purge",
        "outbox",
    )


async def _processed_message(lia: CliHarness) -> None:
    async with lia.store.unit_of_work() as uow:
        await uow.messages.add_inbound([("m-1", inbound())], stored_at=NOW - timedelta(days=8))
        await uow.messages.mark_processed({"m-1": "c-1"}, at=NOW - timedelta(days=8))
        await uow.commit()


def test_webhooks_purge_blanks_processed_messages(lia: CliHarness) -> None:
    """The processed old message loses its text; the row stays."""
    _run(_processed_message(lia))
    done = lia.json("webhooks", "purge", "--older-than", "1w")
    assert (done["target"], done["count"], done["batches"]) == ("webhooks", 1, 1)
    assert lia.store.conversation_tables.messages["m-1"].text == ""
    assert "m-1" in lia.store.conversation_tables.redacted


def test_audit_purge_keeps_its_own_entry(lia: CliHarness) -> None:
    """Old audit rows go; the purge's own entry is new, so it stays."""
    lia.ok("region", "create", "--id", "serra", "--name", "Serra", "--cep", "2595")
    lia.clock.advance(days=3)
    out = lia.ok("audit", "purge", "--older-than", "2d").stdout
    assert out.startswith("1 audit rows older than ")
    assert [e["action"] for e in lia.json("audit", "list")["items"]] == ["retention.purge"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--older-than", "30"], "'30' is not an age"),
        (["--older-than", "0d"], "more than zero"),
        (["--older-than", "30d", "--batch-size", "0"], "--batch-size"),
        (["--older-than", "30d", "--batch-size", "100001"], "--batch-size"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(lia: CliHarness, args: list[str], message: str) -> None:
    """A bad age or batch size: one error line, exit 2, nothing purged."""
    result = lia("outbox", "purge", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert lia.store.activity == {}


def test_older_than_is_required(lia: CliHarness) -> None:
    """Without --older-than click refuses (exit 2)."""
    result = lia("webhooks", "purge")
    assert result.exit_code == 2
    assert "--older-than" in result.stderr
