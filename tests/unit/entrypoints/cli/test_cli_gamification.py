"""`lia gamification` in-process: the November run and its ranking (table and --json),
settings shown and set (weights not summing to 100: one line, exit 2), a bad period, and
`lia user update --no-gamification` leaving an agent out."""

from __future__ import annotations

import asyncio

from tests.contract.builders.gamification import store_november

from .cli_harness import CliHarness


def _november(lia: CliHarness) -> None:
    asyncio.run(store_november(lia.store.unit_of_work))


def test_the_november_run_and_its_ranking(lia: CliHarness) -> None:
    """run prints the ranking; ranking --json reads the same back, badges and history."""
    _november(lia)
    text = lia.ok("gamification", "run", "--period", "2026-11").stdout
    lines = text.splitlines()
    assert lines[0].startswith("2026-11: calculated ")
    assert [line.split()[:3] for line in lines[2:]] == [
        ["1", "bia", "64"],
        ["2", "ana", "61"],
        ["3", "caio", "38"],
    ]
    assert "solucionador, velocista" in lines[3]
    doc = lia.json("gamification", "ranking", "--period", "2026-11")
    assert [(s["agent"], s["total_score"], s["avg_nps"]) for s in doc["standings"]] == [
        ("bia", 64, 10.0),
        ("ana", 61, 9.0),
        ("caio", 38, 6.0),
    ]
    assert [(b["badge"], b["agent"], b["metric"]) for b in doc["badges"]] == [
        ("solucionador", "ana", 75),
        ("solucionador", "bia", 100),
        ("velocista", "ana", 100),
        ("campeao_volume", "caio", 5),
    ]
    assert [h["agent"] for h in doc["history"]] == ["bia", "ana", "caio"]
    assert lia.json("gamification", "run", "--period", "2026-11") == doc  # same clock: same rows
    history = lia.json("gamification", "history")["items"]
    assert [(h["period"], h["rank"], h["agent"]) for h in history][:1] == [("2026-11", 1, "bia")]


def test_a_month_never_run_and_a_bad_period(lia: CliHarness) -> None:
    """ranking of a month not run: exit 1; 2026-13: exit 2 naming --period; one line each."""
    missing = lia("gamification", "ranking", "--period", "2026-10")
    assert missing.exit_code == 1
    assert missing.stderr == (
        "error: 2026-10 was not run yet: lia gamification run --period 2026-10\n"
    )
    bad = lia("gamification", "run", "--period", "2026-13")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: --period: period must be a month as YYYY-MM")
    assert len(bad.stderr.splitlines()) == 1


def test_a_month_run_with_nobody_to_rank(lia: CliHarness) -> None:
    """A fresh install's first run ranks nobody; ranking then says so (exit 0), not "not run"."""
    lia.ok("gamification", "run", "--period", "2026-08")
    shown = lia.ok("gamification", "ranking", "--period", "2026-08").stdout
    assert "no agent had tickets or answers in 2026-08" in shown
    assert lia.json("gamification", "ranking", "--period", "2026-08")["standings"] == []


def test_settings_show_and_set(lia: CliHarness) -> None:
    """Defaults first; a change the weights refuse is one line, exit 2, nothing kept."""
    assert lia.json("gamification", "settings", "show")["nps_weight"] == 40
    refused = lia("gamification", "settings", "set", "--nps-weight", "50")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "error: --nps-weight, --volume-weight, --resolution-weight, --response-time-weight: "
        "the weights must sum to 100, got 110\n"
    )
    negative = lia("gamification", "settings", "set", "--target-volume", "0")
    assert negative.exit_code == 2
    assert negative.stderr.startswith("error: --target-volume: ")
    saved = lia.json(
        "gamification", "settings", "set", "--nps-weight", "50", "--volume-weight", "20",
        "--history-size", "3",
    )  # fmt: skip
    assert (saved["nps_weight"], saved["volume_weight"], saved["history_size"]) == (50, 20, 3)
    shown = lia.ok("gamification", "settings", "show").stdout
    assert "nps_weight: 50\n" in shown
    assert "history_size: 3\n" in shown


def test_an_agent_taken_out_of_the_ranking(lia: CliHarness) -> None:
    """--no-gamification on caio: the next run ranks bia and ana only; --gamification back."""
    _november(lia)
    shown = lia.json("user", "update", "caio", "--no-gamification")
    assert shown["participates_in_gamification"] is False
    doc = lia.json("gamification", "run", "--period", "2026-11")
    assert [s["agent"] for s in doc["standings"]] == ["bia", "ana"]
    assert ("campeao_volume", "ana") in {(b["badge"], b["agent"]) for b in doc["badges"]}
    lia.ok("user", "update", "caio", "--gamification")
    again = lia.json("gamification", "run", "--period", "2026-11")
    assert [s["agent"] for s in again["standings"]] == ["bia", "ana", "caio"]
