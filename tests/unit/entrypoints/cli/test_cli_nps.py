"""`lia nps` in-process: answers listed and shown, detractors' follow-ups taken and resolved
(--as a manager), refusals as one line with the exit code of their kind."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from lia_core.domain.feedback import Feedback

from .cli_harness import NOW, CliHarness


def _answers(lia: CliHarness) -> None:
    """A promoter's answer about ana at NOW, a detractor's (no agent) an hour later."""
    answers = [
        Feedback.record(
            id="fb-1",
            survey_id="s-1",
            conversation_id="c-1",
            ticket_id="t-1",
            customer="5521999990001",
            client_name="Maria",
            score=9,
            comment="ótimo atendimento",
            agent="ana",
            department="support",
            at=NOW,
        ),
        Feedback.record(
            id="fb-2",
            survey_id="s-2",
            conversation_id="c-2",
            customer="5521999990002",
            client_name="João",
            score=2,
            comment="demorou demais",
            assistant="financial",
            at=NOW + timedelta(hours=1),
        ),
    ]

    async def add() -> None:
        async with lia.store.unit_of_work() as uow:
            for answer in answers:
                await uow.feedback.add(answer)
            await uow.commit()

    asyncio.run(add())
    lia.clock.advance(hours=2)


def test_answers_newest_first_with_filters(lia: CliHarness) -> None:
    """--json lists newest first with their follow-ups; --category, --agent, --since narrow."""
    _answers(lia)
    items = lia.json("nps", "list")["items"]
    assert [(a["id"], a["score"], a["category"], a["comment"]) for a in items] == [
        ("fb-2", 2, "detractor", "demorou demais"),
        ("fb-1", 9, "promoter", "ótimo atendimento"),
    ]
    assert items[0]["follow_up"]["status"] == "pending"
    assert items[1]["follow_up"] is None
    assert items[1]["created_at"] == "2026-05-20T09:00:00-03:00"

    def ids(*args: str) -> list[str]:
        return [a["id"] for a in lia.json("nps", "list", *args)["items"]]

    assert ids("--category", "detractor") == ["fb-2"]
    assert ids("--agent", "ana") == ["fb-1"]
    assert ids("--since", "90m") == ["fb-2"]
    assert ids("--limit", "1") == ["fb-2"]


def test_the_table_and_show(lia: CliHarness) -> None:
    """The table has a row per answer; show prints the comment, the customer masked, the
    follow-up; nothing found says so."""
    _answers(lia)
    header, newest, oldest = lia.ok("nps", "list").stdout.splitlines()
    assert header.split()[:4] == ["ID", "AT", "SCORE", "CATEGORY"]
    assert newest.split()[0] == "fb-2"
    assert "pending" in newest.split()
    assert "ótimo" in oldest
    shown = lia.ok("nps", "show", "fb-2").stdout
    assert "answer fb-2: 2 (detractor)" in shown
    assert "comment: demorou demais" in shown
    assert "5521999990002" not in shown  # masked
    assert "follow-up: pending" in shown
    assert lia.ok("nps", "list", "--category", "passive").stdout == "no answers match\n"
    assert lia("nps", "show", "nope").exit_code == 1


def test_a_manager_takes_and_resolves_a_follow_up(lia: CliHarness) -> None:
    """take → in progress with them; resolve with notes and a score → resolved; an agent is
    refused (exit 1), a move out of turn too, with the reason."""
    _answers(lia)
    lia.ok("user", "create", "--username", "sofia", "--role", "SUPERVISOR", "--password", "x" * 12)
    lia.ok("user", "create", "--username", "artur", "--role", "AGENT", "--password", "x" * 12)
    assert [a["id"] for a in lia.json("nps", "followup", "list")["items"]] == ["fb-2"]
    refused = lia("nps", "followup", "take", "fb-2", "--as", "artur")
    assert refused.exit_code == 1
    assert "SUPERVISOR or ADMIN" in refused.stderr
    early = lia(
        "nps", "followup", "resolve", "fb-2", "--as", "sofia", "--notes", "x", "--score", "3"
    )
    assert early.exit_code == 1
    assert "cannot resolve follow-up fb-2: it is pending" in early.stderr
    taken = lia.ok("nps", "followup", "take", "fb-2", "--as", "sofia", "--notes", "vou ligar")
    assert taken.stdout == "follow-up fb-2 in progress, handled by sofia\n"
    again = lia("nps", "followup", "take", "fb-2", "--as", "sofia")
    assert "it is in progress (taken by sofia)" in again.stderr
    done = lia.json(
        "nps", "followup", "resolve", "fb-2", "--as", "sofia", "--notes", "liguei", "--score", "4"
    )
    assert (done["follow_up"]["status"], done["follow_up"]["score"]) == ("resolved", 4)
    assert lia.json("nps", "followup", "list", "--status", "pending")["items"] == []
    assert lia("nps", "followup", "take", "fb-1", "--as", "sofia").exit_code == 1  # a promoter


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("nps", "list", "--category", "great"), "category"),
        (("nps", "list", "--since", "ontem"), "since"),
        (("nps", "list", "--limit", "0"), "limit"),
        (("nps", "followup", "list", "--status", "done"), "status"),
        (("nps", "followup", "take", "fb-2"), "--as"),
        (("nps", "followup", "resolve", "fb-2", "--as", "sofia", "--score", "3"), "--notes"),
        (("nps", "followup", "resolve", "fb-2", "--as", "sofia", "--notes", "ok"), "--score"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    lia: CliHarness, args: tuple[str, ...], field: str
) -> None:
    """A filter or an option that cannot be read: one line naming it, exit 2, no traceback."""
    refused = lia(*args)
    assert refused.exit_code == 2, refused.stderr
    assert field in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "Traceback" not in refused.stderr
