"""Gamification runs over the fake: the November example by hand, idempotence, opt-out,
badges revoked on a re-run, settings validated, the worker's months."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, SequentialIds
from lia_core.domain.activity import Actor
from lia_core.errors import ValidationError
from lia_core.nps import Badge, GamificationSettings
from lia_core.nps.runs import BadgeRow, HistoryRow
from lia_core.services import Gamification, SettingsChange
from tests.contract.builders.gamification import NOV_START, an_answer, store_november

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
RUN_AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
async def team() -> tuple[InMemoryStore, Gamification, FixedClock]:
    """The November team stored; a run's clock on 2 December."""
    store = InMemoryStore()
    await store_november(store.unit_of_work)
    clock = FixedClock(RUN_AT)
    return store, Gamification(store.unit_of_work, clock, SequentialIds(), SAO_PAULO), clock


async def test_the_november_run(team: tuple[InMemoryStore, Gamification, FixedClock]) -> None:
    """Scores, ranks, badges and history as computed by hand in the builder's table."""
    _, game, _ = team
    run = await game.run("2026-11")
    table = [
        (
            s.rank,
            s.agent_id,
            s.conversations,
            s.resolved,
            s.avg_response_seconds,
            s.avg_nps_centi,
            s.nps_score,
            s.volume_score,
            s.resolution_score,
            s.time_score,
            s.points,
            s.total_score,
        )
        for s in run.scores
    ]
    assert table == [
        (1, "bia", 2, 2, 300, 1000, 100, 0, 100, 40, 6400, 64),
        (2, "ana", 4, 3, 100, 900, 90, 1, 75, 100, 6130, 61),
        (3, "caio", 5, 1, 30, 600, 60, 1, 20, 100, 3830, 38),
    ]
    assert run.badges == (
        BadgeRow(agent_id="ana", badge=Badge.SOLUCIONADOR, metric=75),
        BadgeRow(agent_id="bia", badge=Badge.SOLUCIONADOR, metric=100),
        BadgeRow(agent_id="ana", badge=Badge.VELOCISTA, metric=100),
        BadgeRow(agent_id="caio", badge=Badge.CAMPEAO_VOLUME, metric=5),
    )
    assert run.history == (
        HistoryRow(period="2026-11", rank=1, agent_id="bia", total_score=64,
                   badges=(Badge.SOLUCIONADOR,)),
        HistoryRow(period="2026-11", rank=2, agent_id="ana", total_score=61,
                   badges=(Badge.SOLUCIONADOR, Badge.VELOCISTA)),
        HistoryRow(period="2026-11", rank=3, agent_id="caio", total_score=38,
                   badges=(Badge.CAMPEAO_VOLUME,)),
    )  # fmt: skip
    assert run.calculated_at == RUN_AT
    assert await game.ranking("2026-11") == run


async def test_an_opted_out_agent_is_left_out(
    team: tuple[InMemoryStore, Gamification, FixedClock],
) -> None:
    """dani (ten resolved tickets, the most) is neither ranked nor the volume champion."""
    _, game, _ = team
    run = await game.run("2026-11")
    assert "dani" not in {s.agent_id for s in run.scores}
    assert "dani" not in {b.agent_id for b in run.badges}


async def test_running_a_month_twice_gives_the_same_rows(
    team: tuple[InMemoryStore, Gamification, FixedClock],
) -> None:
    """The second run replaces the first with equal rows."""
    _, game, _ = team
    first = await game.run("2026-11")
    second = await game.run("2026-11")
    assert second == first
    assert await game.ranking("2026-11") == first
    assert await game.history() == list(first.history)


async def test_a_badge_no_longer_earned_is_revoked(
    team: tuple[InMemoryStore, Gamification, FixedClock],
) -> None:
    """A late 0 brings ana's average to 6.75: no Solucionador, Velocista goes to bia."""
    store, game, _ = team
    await game.run("2026-11")
    async with store.unit_of_work() as uow:
        await uow.feedback.add(an_answer("f-late", "ana", 0, NOV_START + timedelta(days=20)))
        await uow.commit()
    rerun = await game.run("2026-11")
    assert [(b.agent_id, b.badge) for b in rerun.badges] == [
        ("bia", Badge.SOLUCIONADOR),
        ("bia", Badge.VELOCISTA),
        ("caio", Badge.CAMPEAO_VOLUME),
    ]
    stored = await game.ranking("2026-11")
    assert stored is not None
    assert {s.agent_id: s.badges for s in stored.scores}["ana"] == ()


async def test_settings_change_applies_to_the_next_run(
    team: tuple[InMemoryStore, Gamification, FixedClock],
) -> None:
    """Weights 0/0/100/0 rank by resolution: bia (100%), ana (75%), caio (20%); audited."""
    store, game, _ = team
    change = SettingsChange(
        nps_weight=0, volume_weight=0, resolution_weight=100, response_time_weight=0
    )
    saved = await game.update_settings(change, actor=Actor(name="admin"))
    assert saved.weights.resolution == 100
    assert await game.settings() == saved
    run = await game.run("2026-11")
    assert [(s.agent_id, s.total_score) for s in run.scores] == [
        ("bia", 100),
        ("ana", 75),
        ("caio", 20),
    ]
    assert [a.action for a in store.activity.values()] == ["gamification.settings"]


async def test_weights_must_sum_to_100(
    team: tuple[InMemoryStore, Gamification, FixedClock],
) -> None:
    """A change that leaves the weights at 110 is refused, naming the weights; nothing kept."""
    _, game, _ = team
    with pytest.raises(ValidationError, match="sum to 100, got 110") as caught:
        await game.update_settings(SettingsChange(nps_weight=50), actor=Actor(name="admin"))
    assert caught.value.field == "weights"
    with pytest.raises(ValidationError) as negative:
        await game.update_settings(SettingsChange(target_volume=0), actor=Actor(name="admin"))
    assert negative.value.field == "target_volume"
    assert await game.settings() == GamificationSettings()


@pytest.mark.parametrize(
    "period", ["2026-13", "2026-00", "26-11", "2026/11", "novembro", "", "0999-01", "3000-01"]
)
async def test_a_bad_period_names_the_field(
    team: tuple[InMemoryStore, Gamification, FixedClock], period: str
) -> None:
    """Only YYYY-MM with a real month."""
    _, game, _ = team
    with pytest.raises(ValidationError) as caught:
        await game.run(period)
    assert caught.value.field == "period"


async def test_the_worker_finishes_last_month_once(
    team: tuple[InMemoryStore, Gamification, FixedClock],
) -> None:
    """On 2 December: November (never run after its end) and December; then December only."""
    _, game, clock = team
    first = await game.run_due()
    assert [r.period for r in first] == ["2026-11", "2026-12"]
    assert [s.agent_id for s in first[0].scores] == ["bia", "ana", "caio"]
    clock.advance(hours=1)
    again = await game.run_due()
    assert [r.period for r in again] == ["2026-12"]
